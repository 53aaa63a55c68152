#!/usr/bin/env node
// `npm run demo`: AutoCall on the simulator with a demo tenant, 20 simulated agents in two skills
// and about two thousand numbers across sequential and immediate AutoCalls. Prints progress while
// it runs and a summary at the end. The dashboard and Bull Board are open while it runs.
// Its own database (autocall_demo, made afresh each run) and Redis key prefix: your data is safe.
const { spawn, spawnSync } = require('node:child_process');
const path = require('node:path');
const { Client } = require('pg');

const root = path.resolve(__dirname, '..');
const PORT = process.env.API_PORT ?? '3000';
const WORKER_PORT = process.env.WORKER_PORT ?? '3001';
const BASE = `http://127.0.0.1:${PORT}`;
const TIME_SCALE = process.env.DEMO_TIME_SCALE ?? '120';
const OPS = { user: 'ops', password: 'demo-operator-password' };
const databaseUrl = new URL(process.env.DEMO_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/autocall_demo');
const env = {
  ...process.env,
  SECRETS_KEYS: process.env.SECRETS_KEYS || require('./dev-secrets-key').developmentSecretsKeys(root),
  ERASURE_HASH_KEY: process.env.ERASURE_HASH_KEY || require('./dev-secrets-key').developmentErasureHashKey(root),
  DATABASE_URL: databaseUrl.toString(),
  REDIS_KEY_PREFIX: `demo-${Date.now().toString(36)}`,
  API_PORT: PORT,
  WORKER_PORT,
  LOG_LEVEL: 'warn',
  OPS_USERNAME: OPS.user,
  OPS_PASSWORD: OPS.password,
  SIMULATOR_SEED: 'demo',
  SIMULATOR_TIME_SCALE: TIME_SCALE,
  SIMULATOR_ANSWER_PROBABILITY: '0.65',
  SIMULATOR_TALK_SECONDS_MEAN: '90',
  SIMULATOR_WRAP_UP_SECONDS_MEAN: '15',
  // The simulated agents' dispositions (the codes below); the 15% left never disposition, and their
  // wrap-up ends at the tenant's wrapUpSeconds (120 s, set below) with the default code.
  SIMULATOR_DISPOSITIONS: 'sale:0.2,not_interested:0.5,try_later:0.1,dnc:0.05',
};
const tty = process.stdout.isTTY;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const children = [];
let stopping = false;

function stop(code) {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 1500).unref();
  Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.on('exit', r)) : null))).then(() =>
    process.exit(code),
  );
}
process.on('SIGINT', () => stop(0));

function run(label, args) {
  const result = spawnSync(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'inherit'] });
  if (result.status !== 0) {
    console.error(`demo: ${label} failed (exit ${result.status})`);
    process.exit(1);
  }
  return result.stdout.toString();
}

const numbers = (count, prefix) =>
  Array.from({ length: count }, (_, i) => ({
    phoneNumber: `${prefix}${String(i).padStart(6, '0')}`,
    reference: `demo-${prefix}-${i}`,
  }));

function bar(fraction, width = 30) {
  const full = Math.round(fraction * width);
  return '█'.repeat(full) + '░'.repeat(width - full);
}

async function main() {
  console.log('demo: building…');
  run('build', [path.join(root, 'scripts', 'build.js')]);
  const admin = new Client({
    connectionString: Object.assign(new URL(databaseUrl), { pathname: '/postgres' }).toString(),
  });
  await admin.connect();
  const database = databaseUrl.pathname.slice(1);
  if (!/^autocall_demo\w*$/.test(database)) {
    throw new Error(`the demo only recreates a database named autocall_demo…, not ${database}`);
  }
  await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await admin.end();
  run('database migration', [path.join(root, 'dist', 'apps', 'cli', 'src', 'main.js'), 'migrate']);
  const created = JSON.parse(
    run('tenant', [
      path.join(root, 'dist', 'apps', 'cli', 'src', 'main.js'),
      'tenants:create',
      '--name',
      'Demo contact center',
      '--lines',
      '30',
    ]),
  );
  const key = created.apiKey.key;
  // The typed client generated from AutoCall's OpenAPI document (libs/client), as an integrator uses it.
  const { createAutoCallClient, dataOf: ok } = require(path.join(root, 'dist', 'libs', 'client', 'src'));
  const autocall = createAutoCallClient({ baseUrl: BASE, apiKey: key });

  for (const app of ['api', 'worker']) {
    const child = spawn(process.execPath, [path.join(root, 'dist', 'apps', app, 'src', 'main.js')], {
      cwd: root,
      env,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    child.on('exit', (code) => {
      if (!stopping) {
        console.error(`demo: the ${app} stopped (exit ${code})`);
        stop(1);
      }
    });
    children.push(child);
  }
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${BASE}/health/ready`)).ok && (await fetch(`http://127.0.0.1:${WORKER_PORT}/health/ready`)).ok)
        break;
    } catch {
      /* not yet */
    }
    if (i > 100) throw new Error('AutoCall did not start');
    await sleep(200);
  }

  // The simulator's numbers are nobody's: the demo may call them at any hour. A real tenant keeps
  // its regime's calling window (08:00–21:00 in the called party's local time by default).
  ok(
    await autocall.PUT('/v1/settings', {
      body: { compliance: { callingWindow: { start: '00:00', end: '24:00' } }, wrapUpSeconds: 120 },
    }),
  );

  // Disposition codes: what the agents conclude on each connected call (see README, Dispositions).
  const codes = {
    no_disposition: { label: 'No disposition', kind: 'final', isDefault: true },
    sale: { label: 'Sale', kind: 'final' },
    not_interested: { label: 'Not interested', kind: 'final' },
    try_later: { label: 'Try again later', kind: 'retry', retryDelaySeconds: 1800, retryMaxAttempts: 2 },
    dnc: { label: 'Do not call again', kind: 'do_not_call' },
  };
  for (const [dispositionId, body] of Object.entries(codes))
    ok(await autocall.PUT('/v1/dispositions/{dispositionId}', { params: { path: { dispositionId } }, body }));

  // 20 agents: 12 in sales, 8 in care (two of them in both).
  const agents = Array.from({ length: 20 }, (_, i) => ({
    id: `agent-${String(i + 1).padStart(2, '0')}`,
    skills: i < 10 ? ['sales'] : i < 12 ? ['sales', 'care'] : ['care'],
  }));
  for (const agent of agents) {
    const agentPath = { agentId: agent.id };
    ok(
      await autocall.PUT('/v1/agents/{agentId}', {
        params: { path: agentPath },
        body: { name: agent.id, skills: agent.skills, endpoint: `sip:${agent.id}@pbx.demo` },
      }),
    );
    ok(
      await autocall.POST('/v1/agents/{agentId}/session', {
        params: { path: agentPath },
        body: { state: 'available' },
      }),
    );
  }
  const submitted = [
    // Sales dials predictively (ahead of its agents, under the 3% abandon cap); care one by one.
    { mode: 'predictive', skill: 'sales', targets: numbers(1200, '+81310') },
    { mode: 'sequential', skill: 'care', targets: numbers(760, '+81320'), priority: 10 },
    { mode: 'immediate', skill: 'sales', targets: numbers(40, '+81330') },
  ];
  for (const [i, body] of submitted.entries()) submitted[i] = ok(await autocall.POST('/v1/autocalls', { body }));
  const total = submitted.reduce((n, s) => n + s.targetCount, 0);

  console.log(
    [
      '',
      `  ${total.toLocaleString()} numbers, 20 agents (sales, care), 30 lines, simulator ×${TIME_SCALE}`,
      `  Live dashboard  ${BASE}/admin/dashboard`,
      `  Bull Board      ${BASE}/admin/queues`,
      `  Sign in as ${OPS.user} / ${OPS.password} (every tenant), or any user name with the tenant key ${key}`,
      '',
    ].join('\n'),
  );

  const started = Date.now();
  const busySamples = [];
  let last = '';
  for (;;) {
    const views = await Promise.all(
      submitted.map(async (s) => ok(await autocall.GET('/v1/autocalls/{id}', { params: { path: { id: s.id } } }))),
    );
    const sum = (status) => views.reduce((n, v) => n + (v.counts[status] ?? 0), 0);
    const open = ['pending', 'dialing', 'ringing', 'answered', 'connected'].reduce((n, s) => n + sum(s), 0);
    const usage = ok(await autocall.GET('/v1/lines/usage'));
    const agentList = ok(await autocall.GET('/v1/agents', { params: { query: { limit: 100 } } }));
    const busy = agentList.items.filter((a) => a.state === 'on_call' || a.state === 'wrap_up').length;
    const loggedIn = agentList.items.filter((a) => a.state !== 'logged_out').length;
    busySamples.push(loggedIn ? busy / loggedIn : 0);
    const done = total - open;
    const line =
      `${bar(done / total)} ${String(Math.round((100 * done) / total)).padStart(3)} %  ` +
      `${done}/${total} done · ${usage.inUse.outbound} live calls · ${busy}/${loggedIn} agents busy · ` +
      `connected ${sum('completed')} · abandoned ${sum('abandoned')} · no answer ${sum('no_answer')}`;
    if (tty) process.stdout.write(`\r${line}`);
    else if (line !== last && (Date.now() - started) % 5000 < 600) console.log(line);
    last = line;
    if (views.every((v) => v.status !== 'active')) break;
    await sleep(500);
  }
  const elapsed = (Date.now() - started) / 1000;
  const views = await Promise.all(
    submitted.map(async (s) => ok(await autocall.GET('/v1/autocalls/{id}', { params: { path: { id: s.id } } }))),
  );
  const sum = (status) => views.reduce((n, v) => n + (v.counts[status] ?? 0), 0);
  const dialed = total - sum('not_dialed') - sum('skipped') - sum('cancelled');
  const answered = sum('completed') + sum('abandoned') + sum('machine');
  const occupancy = busySamples.reduce((a, b) => a + b, 0) / busySamples.length;
  const dispositions = {};
  for (const view of views)
    for (const [code, n] of Object.entries(view.dispositions)) dispositions[code] = (dispositions[code] ?? 0) + n;
  if (tty) process.stdout.write('\n');
  const rows = [
    ['dialed', dialed.toLocaleString()],
    ['answered (person or machine)', `${answered.toLocaleString()}  (${((100 * answered) / dialed).toFixed(1)} %)`],
    ['connected to an agent', sum('completed').toLocaleString()],
    [
      'abandoned',
      `${sum('abandoned')}  (${((100 * sum('abandoned')) / Math.max(1, answered - sum('machine'))).toFixed(1)} % of answered by a person)`,
    ],
    ['answering machines', sum('machine')],
    ['no answer / busy / failed', `${sum('no_answer')} / ${sum('busy')} / ${sum('failed')}`],
    ['not dialed (immediate: no line or agent)', sum('not_dialed')],
    [
      'dispositions',
      Object.entries(dispositions)
        .map(([code, n]) => `${code} ${n}`)
        .join(' · '),
    ],
    ['agent occupancy (on call or wrap-up)', `${(100 * occupancy).toFixed(1)} %`],
    ['elapsed', `${elapsed.toFixed(1)} s (${((elapsed * Number(TIME_SCALE)) / 3600).toFixed(1)} simulated hours)`],
  ];
  const width = Math.max(...rows.map((r) => r[0].length));
  console.log('\n  Summary');
  console.log(`  ${'─'.repeat(width + 30)}`);
  for (const [label, value] of rows) console.log(`  ${label.padEnd(width)}  ${value}`);
  console.log(
    `  ${'─'.repeat(width + 30)}\n  The demo database (${databaseUrl.pathname.slice(1)}) stays for you to look at.`,
  );
  stop(0);
}

main().catch((error) => {
  console.error(`demo: ${error.message}`);
  stop(1);
});
