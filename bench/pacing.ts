/**
 * Pacing benchmark: progressive, a fixed power ratio and predictive dialing on the telephony
 * simulator in virtual time (libs/dialing/src/pacing/pacing-simulation.ts), 8 simulated hours
 * each, fixed seeds; no database, no Redis.
 *
 *   npm run bench -- pacing
 *
 * For 10, 20 and 50 agents and 15% and 30% of dials answered by a person (talk time log-normal,
 * mean 150 s; then a wrap-up until the disposition, log-normal, mean 20 s, `--wrap-up <s>` to
 * change it, 0 for none): agent occupancy, abandon rate over the run and its worst hour (sliding), answer-to-
 * agent delay, dials per agent-hour. Prints a markdown table and the verdict on the aims.
 * `npm run bench -- pacing --frontier` sweeps each strategy's knob instead (bench/pacing-frontier.ts).
 */
import { cpus, totalmem } from 'node:os';
import { PacingRunResult, PacingStrategy, simulatePacing } from '../libs/dialing/src/pacing/pacing-simulation';

const HOURS = 8;
/** The agents' mean wrap-up after a call (seconds): part of the handle time the pacer sees. */
const WRAP_UP_SECONDS_MEAN = 20;
const AGENTS = [10, 20, 50];
const ANSWER_RATES = [0.15, 0.3];
const STRATEGIES: { name: string; strategy: PacingStrategy }[] = [
  { name: 'progressive', strategy: { kind: 'progressive' } },
  { name: 'power 2:1', strategy: { kind: 'power', ratio: 2 } },
  { name: 'predictive', strategy: { kind: 'predictive' } },
];

const percent = (x: number, digits = 1) => `${(100 * x).toFixed(digits)}%`;
const write = (text: string) => process.stdout.write(`${text}\n`);

export async function pacingBench(args: string[] = []): Promise<void> {
  const flag = args.indexOf('--wrap-up');
  const wrapUpSecondsMean = flag >= 0 ? Number(args[flag + 1]) : WRAP_UP_SECONDS_MEAN;
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  const runs: { name: string; result: PacingRunResult }[] = [];
  for (const agents of AGENTS)
    for (const answerRate of ANSWER_RATES)
      for (const { name, strategy } of STRATEGIES) {
        // The same seed for every strategy: dial n of a scenario is the same call under each.
        const result = await simulatePacing({
          strategy,
          agents,
          answerRate,
          hours: HOURS,
          seed: `pacing:${agents}:${answerRate}`,
          wrapUpSecondsMean,
        });
        runs.push({ name, result });
        process.stderr.write(
          `${name} ${agents} agents ${answerRate}: ${(result.wallMilliseconds / 1000).toFixed(1)} s\n`,
        );
      }
  const wall = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStarted);

  write(
    `Machine: ${cpus().length} × ${cpus()[0]?.model}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
  );
  write(
    `Wall time: ${wall.toFixed(0)} s for ${runs.length} runs of ${HOURS} simulated hours (CPU ${((cpu.user + cpu.system) / 1e6).toFixed(0)} s); ` +
      `wrap-up mean ${wrapUpSecondsMean} s\n`,
  );
  write(
    '| agents | answered | strategy | occupancy | abandoned (run) | worst hour | answer→agent p95 / p99 | dials per agent-hour | dials | answered by a person | abandoned |',
  );
  write('|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const { name, result: r } of runs) {
    const occupancy =
      name === 'progressive'
        ? `${percent(r.occupancy)} (model ${percent(r.theoreticalProgressiveOccupancy)})`
        : percent(r.occupancy);
    write(
      `| ${r.scenario.agents} | ${percent(r.scenario.answerRate, 0)} | ${name} | ${occupancy} | ${percent(r.abandonRate, 2)} | ` +
        `${percent(r.worstHourAbandonRate, 2)} | ${r.answerToAgentP95.toFixed(2)} / ${r.answerToAgentP99.toFixed(2)} s | ` +
        `${r.dialsPerAgentHour.toFixed(1)} | ${r.dials} | ${r.answers} | ${r.abandons} |`,
    );
  }

  const find = (name: string, agents: number, rate: number) =>
    runs.find(
      (run) => run.name === name && run.result.scenario.agents === agents && run.result.scenario.answerRate === rate,
    )?.result as PacingRunResult;
  const predictive = find('predictive', 20, 0.3);
  const progressive = find('progressive', 20, 0.3);
  const verdict = (met: boolean) => (met ? 'met' : 'NOT met');
  write('\nAims (20 agents, 30% answered):');
  write(`- predictive occupancy ≥ 90%: ${percent(predictive.occupancy)}: ${verdict(predictive.occupancy >= 0.9)}`);
  write(
    `- predictive abandon rate ≤ 2.5% over the run: ${percent(predictive.abandonRate, 2)}: ${verdict(predictive.abandonRate <= 0.025)}`,
  );
  write(
    `- no hour above 3% (sliding hour): worst ${percent(predictive.worstHourAbandonRate, 2)}: ${verdict(predictive.worstHourAbandonRate <= 0.03)}`,
  );
  const gap = Math.abs(progressive.occupancy - progressive.theoreticalProgressiveOccupancy);
  write(
    `- progressive occupancy near its model: ${percent(progressive.occupancy)} against ${percent(progressive.theoreticalProgressiveOccupancy)} ` +
      `(the research's ≈68% assumes every unanswered dial rings 25 s): ${verdict(gap <= 0.02)}`,
  );
  const worse = AGENTS.flatMap((agents) => ANSWER_RATES.map((rate) => [agents, rate] as const)).filter(
    ([agents, rate]) => find('predictive', agents, rate).occupancy < find('progressive', agents, rate).occupancy,
  );
  write(
    `- predictive never worse than progressive (occupancy, every scenario): ${worse.length ? `worse at ${worse.map(([a, r]) => `${a}/${r}`).join(', ')}` : 'never worse'}: ${verdict(!worse.length)}`,
  );
}
