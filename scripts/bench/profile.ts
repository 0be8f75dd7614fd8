/**
 * A CPU profile of a Directus process over one timed phase of a bench: the process is started with
 * `--inspect` on a port of its own, and the bench asks its inspector (Chrome DevTools protocol over a
 * WebSocket) to sample only while the phase runs. Prints the functions that held the CPU longest,
 * by self time and by total time (the time under them, counted once per sample), and writes the
 * profile as `<prefix>-<phase>.cpuprofile` (open it in Chrome's DevTools or speedscope).
 */
import { writeFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface Profiler {
  during<T>(phase: string, run: () => Promise<T>): Promise<T>;
  close(): void;
}

/** The NODE_OPTIONS that open the inspector the profiler connects to. */
export const inspectOptions = (port: number) => `--inspect=127.0.0.1:${port}`;

export async function connectProfiler(port: number, prefix: string, top = 25): Promise<Profiler> {
  const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as Array<{ webSocketDebuggerUrl: string }>;
  const socket = new WebSocket(targets[0]!.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    socket.onopen = resolve;
    socket.onerror = reject;
  });
  let next = 1;
  const waiting = new Map<number, (result: unknown) => void>();
  socket.onmessage = (event) => {
    const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown };
    if (message.id !== undefined) waiting.get(message.id)?.(message.result);
  };
  const send = (method: string, params: Record<string, unknown> = {}) =>
    new Promise<unknown>((resolve) => {
      const id = next++;
      waiting.set(id, resolve);
      socket.send(JSON.stringify({ id, method, params }));
    });
  await send('Profiler.enable');
  await send('Profiler.setSamplingInterval', { interval: 200 });
  return {
    async during(phase, run) {
      await send('Profiler.start');
      try {
        return await run();
      } finally {
        const { profile } = (await send('Profiler.stop')) as { profile: Profile };
        writeFileSync(`${prefix}-${phase}.cpuprofile`, JSON.stringify(profile));
        summarise(phase, profile, top);
      }
    },
    close: () => socket.close(),
  };
}

function summarise(phase: string, profile: Profile, top: number): void {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const label = (node: ProfileNode) => {
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url.replace(/^file:\/\//, '').replace(/.*node_modules\//, '').replace(/.*\/extensions\/concord\//, 'concord/');
    return `${functionName || '(anonymous)'} ${file}:${lineNumber + 1}`;
  };
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  let all = 0;
  profile.samples.forEach((id, index) => {
    const dt = profile.timeDeltas[index] ?? 0;
    all += dt;
    const node = byId.get(id);
    if (!node) return;
    self.set(label(node), (self.get(label(node)) ?? 0) + dt);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const name = label(byId.get(at)!);
      if (seen.has(name)) continue;
      seen.add(name);
      total.set(name, (total.get(name) ?? 0) + dt);
    }
  });
  const print = (title: string, table: Map<string, number>, filter: (name: string) => boolean = () => true) => {
    console.log(`  ${title}`);
    for (const [name, us] of [...table].filter(([name]) => filter(name)).sort((a, b) => b[1] - a[1]).slice(0, top)) {
      console.log(`    ${((100 * us) / all).toFixed(1).padStart(5)} %  ${(us / 1000).toFixed(0).padStart(6)} ms  ${name.slice(0, 150)}`);
    }
  };
  console.log(`CPU profile of ${phase}: ${(all / 1000).toFixed(0)} ms sampled`);
  print('self time', self);
  print("total time, Concord's functions", total, (name) => name.includes('concord/'));
  print('total time, all functions', total, (name) => !/^\((root|program|idle|garbage collector)\)/.test(name));
}
