/**
 * The collections that configure how Concord works (workflows, composition rules, the authority
 * matrix). Only admins change them, so Studio's navigation leaves them out (they are `hidden` in
 * the schema); admins reach them from the authority matrix module.
 */
export const CONFIGURATION_COLLECTIONS = ['cc_workflows', 'cc_workflow_states', 'cc_workflow_transitions', 'cc_composition_rules', 'cc_authorities'] as const;
