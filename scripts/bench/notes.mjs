// What was tried where a target is missed: written by people, printed into docs/benchmarks.md under
// the targets table on every run. Keep it true to the code; numbers belong in the tables, not here.
export const NOTES = [
  '### Where a target is missed, and what was tried',
  '',
  '- **Start-up and private memory.** graceinit is a Node.js program: every row with `node` in it pays for ' +
  'Node itself, and the "node spawning … (floor)" rows show that part alone (five lines that spawn the child, ' +
  'pass signals on and exit with its status: `scripts/bench/floor.cjs`). What graceinit adds above its floor is ' +
  'mostly loading code: commander and about thirty modules of its own, read and compiled, their source ' +
  'kept in the heap. Done: (1) what the common path does not need loads when first used ' +
  '(the pre-stop runners and execa at the first pre-stop, node:http with --health-port, the drill only for ' +
  '`graceinit drill`); (2) `npm run build` bundles the CLI and commander into one file that `bin/graceinit` ' +
  'loads (`scripts/bundle.mjs`): the "dist/src, unbundled" rows run the same code module by module, so their ' +
  'difference from the `graceinit` rows is what the bundle saves; (3) the "single executable" rows ' +
  '(present after `npm run build:binary`: a bundle with a V8 code cache) measure the shipped alternative. ' +
  'Minifying the bundle (whitespace and syntax) was tried and made no measurable difference to loading it, so ' +
  'the bundle stays readable. Not available on Node 20: a compile cache for ordinary modules ' +
  '(`module.enableCompileCache` is Node 22). ' +
  'Dropping commander for a hand-written parser was not tried: it ' +
  'is the chosen parser (README, Dependencies) and the gain would be a part of the module-loading cost only.',
  '- **Signal latency.** A signal reaches JavaScript through libuv\'s signal pipe and one turn of the event ' +
  'loop before graceinit calls kill(); the "node passing signals on (floor)" row, which does nothing else, ' +
  'shows that this path alone costs about what graceinit does, so no change to graceinit\'s JavaScript can ' +
  'reach 1.5× tini\'s p50. Only forwarding outside the event loop could (a signal handler in the native ' +
  'addon calling kill() itself); not tried: it would take the forwarded signals away from the supervisor\'s ' +
  'signal-by-phase table (TERM and INT must still drive the shutdown) and is a change to the core, not to ' +
  'the benchmark.',
  '- **Reaping.** Drain is the backlog the reaper has when the last orphan exits: it depends on how far it ' +
  'fell behind while 10,000 processes exited on these CPUs, so its spread is wide on a busy machine and the ' +
  'ratio between inits moves from run to run. graceinit reaps on each SIGCHLD by listing its children ' +
  '(`/proc/self/task/*/children`) and calling waitpid() on each pid that is not its own child\'s; tini, ' +
  'dumb-init and catatonit call waitpid(-1) until it finds nothing.',
];
