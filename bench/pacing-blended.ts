/**
 * Blended pools: two skills (sales, care) with predictive AutoCalls each, over agents who hold
 * both (or some of them), paced each pool on its own (the engine before: every pool counts a shared
 * agent as its own) and by group (one decision per group of pools sharing agents, split between
 * them: libs/dialing/src/pacing/pacing-groups.ts). The pacing simulation in virtual time, 8
 * simulated hours each, fixed seeds; no database, no Redis.
 *
 *   npm run bench -- pacing --blended
 *
 * Prints a markdown table: each pool's abandon rate (run and worst sliding hour) against the
 * pacer's target, occupancy, and the most dials out plus callers waiting at any tick against the
 * line bound of the agents that exist (maxLinesPerAgent × agents).
 */
import { cpus, totalmem } from 'node:os';
import { DEFAULT_PACING_SETTINGS } from '../libs/dialing/src/pacing/pacer';
import { PacingRunResult, simulatePacing } from '../libs/dialing/src/pacing/pacing-simulation';

const HOURS = 8;
const AGENTS = 20;
const SKILLS = ['care', 'sales'];
const MIXES: { name: string; agentSkills: (i: number) => string[] }[] = [
  { name: 'all 20 blended', agentSkills: () => SKILLS },
  {
    name: '10 blended, 5 care, 5 sales',
    agentSkills: (i) => (i < 10 ? SKILLS : i < 15 ? ['care'] : ['sales']),
  },
];
const ANSWER_RATES = [0.15, 0.3];
const SCOPES = ['pool', 'group'] as const;

const percent = (x: number, digits = 1) => `${(100 * x).toFixed(digits)}%`;
const write = (text: string) => process.stdout.write(`${text}\n`);

export async function pacingBlendedBench(): Promise<void> {
  const started = performance.now();
  const runs: { mix: string; scope: (typeof SCOPES)[number]; result: PacingRunResult }[] = [];
  for (const mix of MIXES)
    for (const answerRate of ANSWER_RATES)
      for (const scope of SCOPES) {
        const result = await simulatePacing({
          strategy: { kind: 'predictive' },
          agents: AGENTS,
          skills: SKILLS,
          agentSkills: Array.from({ length: AGENTS }, (_, i) => mix.agentSkills(i)),
          pacingScope: scope,
          answerRate,
          hours: HOURS,
          seed: `pacing-blended:${mix.name}:${answerRate}`,
        });
        runs.push({ mix: mix.name, scope, result });
        process.stderr.write(
          `${mix.name} ${answerRate} by ${scope}: ${(result.wallMilliseconds / 1000).toFixed(1)} s\n`,
        );
      }
  const wall = (performance.now() - started) / 1000;
  const target = DEFAULT_PACING_SETTINGS.targetAbandonRate;
  const bound = DEFAULT_PACING_SETTINGS.maxLinesPerAgent * AGENTS;
  write(
    `Machine: ${cpus().length} × ${cpus()[0]?.model}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
  );
  write(`Wall time: ${wall.toFixed(0)} s for ${runs.length} runs of ${HOURS} simulated hours\n`);
  write(
    `| agents | answered | paced by | pool | abandoned (run) | worst hour | dials | answered by a person | abandoned | occupancy (all agents) | most out + waiting (bound ${bound}) |`,
  );
  write('|---|---:|---|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const { mix, scope, result: r } of runs)
    for (const pool of r.pools)
      write(
        `| ${mix} | ${percent(r.scenario.answerRate, 0)} | ${scope} | ${pool.skill} | ${percent(pool.abandonRate, 2)} | ` +
          `${percent(pool.worstHourAbandonRate, 2)} | ${pool.dials} | ${pool.answers} | ${pool.abandons} | ` +
          `${percent(r.occupancy)} | ${r.mostOutAndWaiting} |`,
      );
  const verdict = (met: boolean) => (met ? 'met' : 'NOT met');
  const grouped = runs.filter((run) => run.scope === 'group');
  const over = grouped.flatMap((run) =>
    run.result.pools
      .filter((pool) => pool.abandonRate > target)
      .map((pool) => `${run.mix} ${run.result.scenario.answerRate} ${pool.skill}`),
  );
  write(`\nAims (paced by group, target ${percent(target, 0)}):`);
  write(
    `- every pool's abandon rate over the run under its target: ${over.length ? `over at ${over.join(', ')}` : 'all under'}: ${verdict(!over.length)}`,
  );
  const beyond = grouped.filter((run) => run.result.mostOutAndWaiting > bound);
  write(
    `- dials out plus callers waiting never beyond ${bound} (3 lines × 20 agents): ${beyond.length ? `beyond in ${beyond.length} runs` : 'never'}: ${verdict(!beyond.length)}`,
  );
}
