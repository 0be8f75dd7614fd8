/** A setting or state of the project the person starting Concord can fix; printed as one sentence. */
export class SettingError extends Error {}
