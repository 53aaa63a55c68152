/**
 * Pacing frontiers (issue "Predictive v2", item 2): occupancy against abandon rate for each
 * strategy's knob swept over the same seeded calls, between an open-loop floor and a clairvoyant
 * ceiling, with the predictive pacer both on its own estimates and on the simulator's true
 * distributions (how much estimation costs).
 *
 *   npm run bench -- pacing --frontier [--hours 8]
 *   npm run bench -- pacing --frontier --redraw    the table, aims and chart from bench/pacing-frontier.json
 *
 * 10 and 20 agents at 15% and 30% answered, HOURS simulated hours a run (8 by default: 46 runs a
 * scenario). Prints the table and the aims, and writes the chart to bench/pacing-frontier.svg and
 * every run to bench/pacing-frontier.json.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import {
  bestRun,
  FrontierPoint,
  frontierAt,
  paretoFrontier,
  StrategyFamily,
  sweep,
  sweepSettings,
} from '../libs/dialing/src/pacing/pacing-frontier';

const SCENARIOS = [
  { agents: 10, answerRate: 0.15 },
  { agents: 10, answerRate: 0.3 },
  { agents: 20, answerRate: 0.15 },
  { agents: 20, answerRate: 0.3 },
];
const FAMILIES: StrategyFamily[] = ['progressive', 'erlang', 'power', 'predictive', 'predictive (true)', 'clairvoyant'];
const COLORS: Record<StrategyFamily, string> = {
  progressive: '#777777',
  erlang: '#8c564b',
  power: '#1f77b4',
  predictive: '#d62728',
  'predictive (true)': '#ff9896',
  clairvoyant: '#2ca02c',
};

const percent = (x: number | undefined, digits = 1) => (x === undefined ? '—' : `${(100 * x).toFixed(digits)}%`);
const write = (text: string) => process.stdout.write(`${text}\n`);

interface ScenarioPoints {
  agents: number;
  answerRate: number;
  points: FrontierPoint[];
}

export async function pacingFrontierBench(args: string[]): Promise<void> {
  const file = join(__dirname, '..', '..', '..', 'bench', 'pacing-frontier');
  if (args.includes('--redraw')) {
    // The chart and the verdicts again from the recorded runs, without running them.
    const { hours, results } = JSON.parse(readFileSync(`${file}.json`, 'utf8')) as {
      hours: number;
      results: ScenarioPoints[];
    };
    printTable(results);
    printAims(results);
    writeFileSync(`${file}.svg`, chart(results, hours));
    return;
  }
  const hoursAt = args.indexOf('--hours');
  const hours = hoursAt >= 0 ? Number(args[hoursAt + 1]) : 8;
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  const settings = sweepSettings();
  const results: ScenarioPoints[] = [];
  for (const { agents, answerRate } of SCENARIOS) {
    // The same seed as the quick table's: dial n is the same call under every strategy and knob.
    const points = await sweep(
      { agents, answerRate, hours, seed: `pacing:${agents}:${answerRate}` },
      settings,
      (s, r) =>
        process.stderr.write(
          `${agents}/${answerRate} ${s.family} ${s.knob}: ${percent(r.occupancy)} at ${percent(r.abandonRate, 2)} ` +
            `(worst hour ${percent(r.worstHourAbandonRate, 2)}), ${(r.wallMilliseconds / 1000).toFixed(1)} s\n`,
        ),
    );
    results.push({ agents, answerRate, points });
  }
  const wall = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStarted);
  write(
    `Machine: ${cpus().length} × ${cpus()[0]?.model}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
  );
  write(
    `Wall time: ${wall.toFixed(0)} s for ${results.length * settings.length} runs of ${hours} simulated hours ` +
      `(CPU ${((cpu.user + cpu.system) / 1e6).toFixed(0)} s)\n`,
  );
  printTable(results);
  printPoints(results);
  printAims(results);
  writeFileSync(`${file}.json`, `${JSON.stringify({ hours, results }, null, 1)}\n`);
  writeFileSync(`${file}.svg`, chart(results, hours));
  write(`\nChart: ${file}.svg (its runs: ${file}.json)`);
}

/** Per scenario and strategy: the best run at each abandon cap (run rate), and that run's worst hour. */
function printTable(results: ScenarioPoints[]): void {
  const caps = [0.01, 0.02, 0.03];
  write(
    '| agents | answered | strategy | best ≤ 1% (worst hour) | best ≤ 2% (worst hour) | best ≤ 3% (worst hour) | best ≤ 2.5%, worst hour ≤ 3% |',
  );
  write('|---:|---:|---|---:|---:|---:|---:|');
  for (const { agents, answerRate, points } of results)
    for (const family of FAMILIES) {
      const mine = points.filter((p) => p.family === family);
      const cell = (p: FrontierPoint | undefined) =>
        p ? `${percent(p.occupancy)} (${percent(p.worstHourAbandonRate, 2)})${p.knob ? ` ${p.knob}` : ''}` : '—';
      write(
        `| ${agents} | ${percent(answerRate, 0)} | ${family} | ${caps.map((cap) => cell(bestRun(mine, cap))).join(' | ')} | ` +
          `${cell(bestRun(mine, 0.025, 0.03))} |`,
      );
    }
}

/** Every run, for the record. */
function printPoints(results: ScenarioPoints[]): void {
  write('\n| agents | answered | strategy | knob | occupancy | abandoned (run) | worst hour | dials |');
  write('|---:|---:|---|---|---:|---:|---:|---:|');
  for (const { agents, answerRate, points } of results)
    for (const p of points)
      write(
        `| ${agents} | ${percent(answerRate, 0)} | ${p.family} | ${p.knob} | ${percent(p.occupancy)} | ` +
          `${percent(p.abandonRate, 2)} | ${percent(p.worstHourAbandonRate, 2)} | ${p.dials} |`,
      );
}

/** The frontiers compared every 0.05 points of abandon rate from 0.5% to 3%. */
const GRID = Array.from({ length: 51 }, (_, i) => 0.005 + i * 0.0005);

function printAims(results: ScenarioPoints[]): void {
  const verdict = (met: boolean) => (met ? 'met' : 'NOT met');
  write('\nAims:');
  for (const { agents, answerRate, points } of results) {
    const frontier = (family: StrategyFamily) => paretoFrontier(points.filter((p) => p.family === family));
    const [predictive, truth, power] = [frontier('predictive'), frontier('predictive (true)'), frontier('power')];
    // Predictive above power at each abandon rate both reach.
    let worstMargin = Infinity;
    let worstAt = 0;
    let uncovered = 0;
    let largestGap = -Infinity;
    let gapAt = 0;
    for (const x of GRID) {
      const [p, q, t] = [frontierAt(predictive, x), frontierAt(power, x), frontierAt(truth, x)];
      if (p === undefined) uncovered++;
      else if (q !== undefined && p - q < worstMargin) [worstMargin, worstAt] = [p - q, x];
      if (p !== undefined && t !== undefined && t - p > largestGap) [largestGap, gapAt] = [t - p, x];
    }
    const scenario = `${agents} agents, ${percent(answerRate, 0)}`;
    write(
      `- ${scenario}: predictive above every power ratio from 0.5% to 3%: smallest margin ` +
        `${(100 * worstMargin).toFixed(1)} points at ${percent(worstAt, 2)}` +
        `${uncovered ? ` (predictive reaches no rate below ${percent(predictive[0]?.abandonRate, 2)})` : ''}: ` +
        verdict(worstMargin > 0 && !uncovered),
    );
    write(
      `- ${scenario}: true-distribution pacer ahead of the estimating one by at most ` +
        `${(100 * largestGap).toFixed(1)} points (at ${percent(gapAt, 2)}), under 1 point: ${verdict(largestGap < 0.01)}`,
    );
    if (agents === 20 && answerRate === 0.3) {
      const best = bestRun(
        points.filter((p) => p.family === 'predictive'),
        0.025,
        0.03,
      );
      write(
        `- ${scenario}: predictive ≥ 90% at ≤ 2.5% (worst hour ≤ 3%): ${percent(best?.occupancy)} ` +
          `(${best?.knob ?? 'no run'}): ${verdict((best?.occupancy ?? 0) >= 0.9)}`,
      );
    }
  }
}

/** One panel per scenario: occupancy against the run's abandon rate, each strategy's runs joined by its knob. */
function chart(results: ScenarioPoints[], hours: number): string {
  const [panelW, panelH, margin] = [440, 320, { left: 50, right: 15, top: 30, bottom: 40 }];
  const [xMax, yMin, yMax] = [0.06, 0.5, 1];
  const columns = 2;
  const rows = Math.ceil(results.length / columns);
  const width = columns * panelW;
  const height = rows * panelH + 75;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="18" text-anchor="middle" font-size="14">Pacing frontiers: occupancy against abandoned ÷ answered ` +
      `(${hours} simulated hours a run; bench/pacing-frontier.ts)</text>`,
  ];
  results.forEach(({ agents, answerRate, points }, index) => {
    const ox = (index % columns) * panelW;
    const oy = 30 + Math.floor(index / columns) * panelH;
    const plotW = panelW - margin.left - margin.right;
    const plotH = panelH - margin.top - margin.bottom;
    const x = (rate: number) => ox + margin.left + (Math.min(rate, xMax) / xMax) * plotW;
    const y = (occ: number) => oy + margin.top + (1 - (Math.max(occ, yMin) - yMin) / (yMax - yMin)) * plotH;
    out.push(
      `<text x="${ox + panelW / 2}" y="${oy + 18}" text-anchor="middle" font-size="13">${agents} agents, ${percent(answerRate, 0)} answered</text>`,
      `<rect x="${x(0)}" y="${y(yMax)}" width="${plotW}" height="${plotH}" fill="none" stroke="#999"/>`,
    );
    for (let r = 0; r <= xMax + 1e-9; r += 0.01)
      out.push(
        `<line x1="${x(r)}" y1="${y(yMin)}" x2="${x(r)}" y2="${y(yMax)}" stroke="#eee"/>`,
        `<text x="${x(r)}" y="${y(yMin) + 14}" text-anchor="middle">${percent(r, 0)}</text>`,
      );
    for (let o = yMin; o <= yMax + 1e-9; o += 0.1)
      out.push(
        `<line x1="${x(0)}" y1="${y(o)}" x2="${x(xMax)}" y2="${y(o)}" stroke="#eee"/>`,
        `<text x="${x(0) - 4}" y="${y(o) + 4}" text-anchor="end">${percent(o, 0)}</text>`,
      );
    out.push(
      `<line x1="${x(0.03)}" y1="${y(yMin)}" x2="${x(0.03)}" y2="${y(yMax)}" stroke="black" stroke-dasharray="5,3"/>`,
      `<text x="${x(0.03) + 3}" y="${y(yMin) - 4}">3% cap</text>`,
      `<text x="${ox + margin.left + plotW / 2}" y="${y(yMin) + 30}" text-anchor="middle">abandoned (run), runs beyond 6% as dots at the edge</text>`,
    );
    for (const family of FAMILIES) {
      const mine = points.filter((p) => p.family === family);
      const frontier = paretoFrontier(mine);
      const drawn = frontier.filter((p) => p.abandonRate <= xMax);
      const color = COLORS[family];
      // The frontier as a line (its best runs), every run as a dot: the dots under it are the knob's
      // settings that something else beats.
      if (drawn.length > 1)
        out.push(
          `<polyline fill="none" stroke="${color}" stroke-width="2" points="${drawn
            .map((p) => `${x(p.abandonRate).toFixed(1)},${y(p.occupancy).toFixed(1)}`)
            .join(' ')}"/>`,
        );
      if (family === 'clairvoyant')
        for (const p of mine)
          out.push(
            `<line x1="${x(0)}" y1="${y(p.occupancy)}" x2="${x(xMax)}" y2="${y(p.occupancy)}" stroke="${color}" stroke-dasharray="2,2"/>`,
          );
      for (const p of mine)
        out.push(
          `<circle cx="${x(p.abandonRate).toFixed(1)}" cy="${y(p.occupancy).toFixed(1)}" r="2.5" fill="${color}" fill-opacity="${frontier.includes(p) ? 1 : 0.45}"><title>${family} ${p.knob}: ` +
            `${percent(p.occupancy)} at ${percent(p.abandonRate, 2)} (worst hour ${percent(p.worstHourAbandonRate, 2)})</title></circle>`,
        );
    }
  });
  FAMILIES.forEach((family, i) => {
    const lx = 40 + (i % 3) * (width / 3);
    const legendY = 30 + rows * panelH + 10 + Math.floor(i / 3) * 18;
    const label =
      family === 'erlang'
        ? 'Erlang B open loop (floor)'
        : family === 'clairvoyant'
          ? 'clairvoyant (ceiling)'
          : family === 'power'
            ? 'power 1:1 … 4:1'
            : family;
    out.push(
      `<line x1="${lx}" y1="${legendY}" x2="${lx + 20}" y2="${legendY}" stroke="${COLORS[family]}" stroke-width="3"/>`,
      `<text x="${lx + 25}" y="${legendY + 4}">${label}</text>`,
    );
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
