// The issue's targets, judged from one run's results. Pure.
import { ratio } from './stats.mjs';

const row = (section, id) => section?.rows?.find((r) => r.id === id);

/** [{ name, target, measured (text), value, met (true | false | undefined when not measured) }] */
export function judgeTargets(sections) {
  const { startup, memory, latency, reaping, drill } = sections;
  const out = [];
  const add = (name, target, value, met, measured) => out.push({ name, target, value, met: Number.isFinite(value) ? met : undefined, measured });

  const gLat = row(latency, 'graceinit')?.summary.p50;
  const tLat = row(latency, 'tini')?.summary.p50;
  const latRatio = ratio(gLat, tLat);
  add('signal latency p50', '≤ 1.5× tini', latRatio, latRatio <= 1.5, `${fmt(gLat, 0)} µs vs tini ${fmt(tLat, 0)} µs = ${fx(latRatio)}`);

  const gReap = row(reaping, 'graceinit');
  const zombies = gReap ? gReap.zombiesLeftMax : NaN;
  add(`zombies left at ${reaping?.orphans ?? 'n/a'} orphans`, '0', zombies, zombies === 0 && gReap.unfinished === 0,
    `${fmt(zombies, 0)} (worst of ${gReap?.drain.n ?? 0} runs${gReap?.unfinished ? `, ${gReap.unfinished} not drained in 5 s` : ''})`);
  const drain = gReap?.drain.p50;
  add('reap time after the last exit', '≤ 100 ms', drain, drain <= 100, `median ${fmt(drain, 1)} ms, worst ${fmt(gReap?.drain.max, 1)} ms`);

  const gStart = row(startup, 'graceinit')?.summary.p50;
  const nStart = row(startup, 'node')?.summary.p50;
  const startRatio = ratio(gStart, nStart);
  add('start-up, bin/graceinit', '≤ 1.2× node -e 0', startRatio, startRatio <= 1.2, `${fmt(gStart, 1)} ms vs ${fmt(nStart, 1)} ms = ${fx(startRatio)}`);

  const gAnon = row(memory, 'graceinit')?.anon.p50;
  const nAnon = row(memory, 'node')?.anon.p50;
  const memRatio = ratio(gAnon, nAnon);
  add('private memory (RssAnon)', '≤ 1.3× bare node', memRatio, memRatio <= 1.3, `${fmt(gAnon, 2)} MB vs ${fmt(nAnon, 2)} MB = ${fx(memRatio)}`);

  const gDrill = row(drill, 'graceinit-delay');
  const failed = gDrill ? gDrill.failedTotal : NaN;
  add('drill: failed requests, graceinit with a delay', '0', failed, failed === 0,
    drill?.skipped ? `not measured: ${drill.skipped}` : `${fmt(failed, 0)} of ${fmt(gDrill?.sentTotal, 0)} over ${drill?.rounds ?? 0} drills`);
  return out;
}

function fmt(v, d) {
  return Number.isFinite(v) ? v.toFixed(d) : 'n/a';
}

function fx(v) {
  return Number.isFinite(v) ? `${v.toFixed(2)}×` : 'n/a';
}
