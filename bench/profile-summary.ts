// Summarises a V8 .cpuprofile (node --cpu-prof): where the busy time went, by package
// (self time, and inclusive: samples with a frame of the package anywhere on the stack)
// and by function. `npx tsx bench/profile-summary.ts FILE.cpuprofile [TOP]` prints
// markdown; bench/run.ts calls it when BENCH_PROFILE=1.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

type TFrame = { functionName: string; url: string; lineNumber: number };
type TNode = { id: number; callFrame: TFrame; children?: number[] };
type TProfile = { nodes: TNode[]; samples: number[]; timeDeltas: number[] };

const ROOT = relative('/', process.cwd());
/** Not work of the process: excluded from the busy total the percentages refer to. */
const IDLE = new Set(['(idle)', '(root)']);
/** Loading and compiling modules (start-up, tsx): reported, but not part of serving requests. */
const isLoading = (f: TFrame) => f.url.startsWith('node:internal/modules/') || f.url.includes('/node_modules/tsx/');

/** A frame's package: an npm package, a node: module group, a project directory, or a V8 pseudo-frame. */
const packageOf = (f: TFrame): string | undefined => {
  if (f.functionName.startsWith('(')) return f.functionName;
  const url = f.url;
  if (!url) return undefined; // a builtin (JSON.parse, Array.prototype.map…): charged to its caller
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const [a, b] = url.slice(nm + 14).split('/');
    return a?.startsWith('@') ? `${a}/${b}` : a;
  }
  if (url.startsWith('node:')) {
    const name = url.slice(5).replace(/^internal\/(deps\/)?/, '');
    const group = name.split('/')[0]!.replace(/^_/, '').replace(/_.*$/, '');
    return `node:${group}`;
  }
  const path = url.replace(/^file:\/\//, '').replace(`/${ROOT}/`, '');
  if (path.startsWith('src/generated/')) return 'prisma (generated client)';
  return path.split('/').slice(0, -1).join('/') || path;
};

export type TSummary = { busyMs: number; totalMs: number; loadingMs: number; self: [string, number][]; inclusive: [string, number][]; functions: [string, string, number][] };

export const summarise = (profile: TProfile): TSummary => {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const ancestry = (id: number): TNode[] => {
    const out: TNode[] = [];
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) out.push(byId.get(at)!);
    return out;
  };
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const functions = new Map<string, [string, number]>();
  const add = <K>(m: Map<K, number>, k: K, v: number) => m.set(k, (m.get(k) ?? 0) + v);
  let busy = 0;
  let total = 0;
  let loading = 0;
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    total += us;
    const stack = ancestry(id);
    const leaf = stack[0]!;
    if (IDLE.has(leaf.callFrame.functionName)) return;
    if (stack.some((n) => isLoading(n.callFrame))) {
      loading += us;
      return;
    }
    busy += us;
    // A builtin's time goes to the package of the nearest caller with a source.
    const owner = stack.map((n) => packageOf(n.callFrame)).find((p) => p !== undefined) ?? '(builtin)';
    add(self, owner, us);
    for (const pkg of new Set(stack.map((n) => packageOf(n.callFrame)).filter((p): p is string => p !== undefined))) add(inclusive, pkg, us);
    const f = leaf.callFrame;
    const where = f.url ? `${f.url.replace(/^file:\/\//, '').replace(`/${ROOT}/`, '').replace(/^.*\/node_modules\//, '')}:${f.lineNumber + 1}` : `(builtin, in ${owner})`;
    const key = `${f.functionName || '(anonymous)'}\t${where}`;
    const prev = functions.get(key);
    functions.set(key, [owner, (prev?.[1] ?? 0) + us]);
  });
  const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]);
  return {
    busyMs: busy / 1000,
    totalMs: total / 1000,
    loadingMs: loading / 1000,
    self: sorted(self),
    inclusive: sorted(inclusive),
    functions: [...functions].map(([k, [owner, us]]) => [k, owner, us] as [string, string, number]).sort((a, b) => b[2] - a[2]),
  };
};

const pct = (us: number, busyMs: number) => `${((us / 1000 / busyMs) * 100).toFixed(1)} %`;

export const summaryMarkdown = (title: string, s: TSummary, top = 20): string => {
  const rows = (list: [string, number][]) => list.slice(0, top).map(([k, us]) => `| ${k} | ${pct(us, s.busyMs)} |`).join('\n');
  return `### ${title}

Busy ${(s.busyMs / 1000).toFixed(1)} s of ${(s.totalMs / 1000).toFixed(1)} s sampled; percentages are of busy time (idle, and ${(s.loadingMs / 1000).toFixed(1)} s of module loading, excluded).

| package (self) | share |
| --- | ---: |
${rows(s.self)}

| package (inclusive: on the stack) | share |
| --- | ---: |
${rows(s.inclusive.filter(([k]) => !k.startsWith('(')))}

| function (self) | where | package | share |
| --- | --- | --- | ---: |
${s.functions
  .slice(0, top)
  .map(([k, owner, us]) => {
    const [name, where] = k.split('\t');
    return `| ${name} | ${where} | ${owner} | ${pct(us, s.busyMs)} |`;
  })
  .join('\n')}
`;
};

if (import.meta.url === `file://${process.argv[1]}`) {
  const [file, top] = process.argv.slice(2);
  if (!file) throw new Error('usage: profile-summary.ts FILE.cpuprofile [TOP]');
  const profile = JSON.parse(readFileSync(file, 'utf8')) as TProfile;
  process.stdout.write(summaryMarkdown(file, summarise(profile), Number(top ?? 20)));
}
