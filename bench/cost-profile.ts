/**
 * For `npm run bench -- cost --trace`: where the workers' CPU went while they made the calls, from
 * the V8 CPU profiles they wrote (see cost-trace.ts). Two views: by what ran (the package, Node's
 * internals, garbage collection, or AutoCall's own file), and by the AutoCall code that led to it
 * (the nearest AutoCall frame on the stack; CPU spent in callbacks with no AutoCall frame, such as
 * parsing a reply that arrived, is put under the package that ran).
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** What ran: a package, Node, GC, or AutoCall's own file (as compiled into dist/). */
function category(node: ProfileNode): string {
  const { functionName, url } = node.callFrame;
  if (functionName === '(garbage collector)') return '(garbage collector)';
  if (functionName === '(program)') return '(program: V8 and native code)';
  if (url.startsWith('wasm://')) return 'wasm (Prisma query compiler)';
  if (url.startsWith('node:')) return url.split('/').slice(0, 2).join('/');
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const [scope, name] = url.slice(modules + '/node_modules/'.length).split('/');
    return scope.startsWith('@') ? `${scope}/${name}` : scope;
  }
  const own = /\/dist\/(?:bench\/)?((?:apps|libs)\/.+)\.js$/.exec(url);
  if (own) return own[1].includes('/generated/') ? 'prisma (generated client)' : own[1];
  if (url.endsWith('/cost-trace.js')) return '(this trace)';
  // V8's builtins and Node's C++ bindings: by name (JSON.parse is "parse", a socket write "writev").
  return url || `(native) ${functionName || '(anonymous)'}`;
}

const isOwn = (name: string) => /^(apps|libs)\//.test(name);

export function readProfile(file: string): CpuProfile {
  return JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
}

/**
 * Where the sampled time went, as shares, by what ran and by the AutoCall code that led to it; each
 * share also in CPU milliseconds per call, of `cpuMsPerCall` (what /proc measured: a profile's
 * samples count wall time, and a process waiting for a core on a busy machine keeps its last frame).
 */
export function profileSummary(profiles: CpuProfile[], cpuMsPerCall: number, lines = 15) {
  const byWhat = new Map<string, number>();
  const byCaller = new Map<string, number>();
  let totalUs = 0;
  for (const profile of profiles) {
    const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
    const parent = new Map<number, number>();
    for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
    // The nearest AutoCall frame above each node, worked out once per node.
    const caller = new Map<number, string | null>();
    const callerOf = (id: number): string | null => {
      if (caller.has(id)) return caller.get(id)!;
      const node = nodes.get(id)!;
      const what = category(node);
      const up = parent.get(id);
      const found = isOwn(what)
        ? `${what} ${node.callFrame.functionName || '(anonymous)'}`
        : up === undefined
          ? null
          : callerOf(up);
      caller.set(id, found);
      return found;
    };
    profile.samples.forEach((id, i) => {
      const node = nodes.get(id)!;
      if (node.callFrame.functionName === '(idle)') return;
      const us = profile.timeDeltas[i] ?? 0;
      totalUs += us;
      const what = category(node);
      byWhat.set(what, (byWhat.get(what) ?? 0) + us);
      const from = callerOf(id) ?? `(no AutoCall frame) ${what}`;
      byCaller.set(from, (byCaller.get(from) ?? 0) + us);
    });
  }
  const top = (map: Map<string, number>) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, lines)
      .map(([name, us]) => {
        const share = us / totalUs;
        return `${name} ${Math.round(share * 1000) / 10}% ${Math.round(share * cpuMsPerCall * 100) / 100} ms`;
      });
  return { sampledSeconds: Math.round(totalUs / 1e5) / 10, byWhatRan: top(byWhat), byAutoCallCode: top(byCaller) };
}
