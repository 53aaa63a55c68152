import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ApiHarness, bearer, TestTenant } from './api-harness';
import { AppProcess, freePort, waitFor } from './processes';

/** Simulator settings for fast, reproducible engine tests: a simulated minute lasts 0.2 s. */
export const FAST_SIMULATOR: Record<string, string> = {
  SIMULATOR_SEED: 'engine-tests',
  SIMULATOR_TIME_SCALE: '300',
  SIMULATOR_RING_SECONDS_MEAN: '6',
  SIMULATOR_TALK_SECONDS_MEAN: '20',
  SIMULATOR_WRAP_UP_SECONDS_MEAN: '5',
  SIMULATOR_PATIENCE_SECONDS_MEAN: '30',
  MAX_WAIT_SECONDS: '20',
  DISPATCH_SWEEP_INTERVAL_MS: '1000',
};

/**
 * Simulator settings in which every call is answered by a person: outcomes are certain. Its callers
 * also wait for their agent as long as it takes (an hour): at 300× a caller's patience of 30 s, or
 * the engine's 20 s wait, is a tenth of a second, which a loaded machine can spend connecting, and
 * a test of "every call completes" must not depend on the machine's load.
 */
export const EVERY_CALL_ANSWERED: Record<string, string> = {
  SIMULATOR_PATIENCE_SECONDS_MEAN: '3600',
  MAX_WAIT_SECONDS: '3600',
  SIMULATOR_ANSWER_PROBABILITY: '1',
  SIMULATOR_BUSY_RATE: '0',
  SIMULATOR_FAILURE_RATE: '0',
  SIMULATOR_UNREACHABLE_RATE: '0',
  SIMULATOR_MACHINE_SHARE: '0',
};

/** Simulator settings in which no call is answered: every one rings out (no_answer). */
export const NO_CALL_ANSWERED: Record<string, string> = {
  ...EVERY_CALL_ANSWERED,
  SIMULATOR_ANSWER_PROBABILITY: '0',
};

/**
 * The API in-process (driven over HTTP) and real worker processes, all on one suite database and
 * Redis prefix. Workers are the built dist/apps/worker, as in production.
 */
export class EngineHarness {
  readonly workers: AppProcess[] = [];
  /** Where each worker serves its health and metrics. */
  private readonly ports = new Map<AppProcess, number>();

  private constructor(
    readonly api: ApiHarness,
    private readonly env: Record<string, string>,
  ) {}

  static async start(suite: string, env: Record<string, string> = {}, workers = 1): Promise<EngineHarness> {
    const settings = { ...FAST_SIMULATOR, ...env };
    const api = await ApiHarness.start(suite, settings);
    const harness = new EngineHarness(api, settings);
    try {
      for (let i = 0; i < workers; i++) await harness.startWorker();
    } catch (error) {
      // The suite never gets the harness to stop: its API and workers are stopped here, or Jest
      // would wait on them for ever after the run (it did once in CI).
      await harness.stop().catch(() => undefined);
      throw error;
    }
    return harness;
  }

  /**
   * A worker process; `env` adds to (or overrides) the suite's settings, e.g. another SECRETS_KEYS.
   * A worker that is not ready within a minute is stopped, with what it was doing (its output and a
   * Node diagnostic report: its JavaScript stack and the handles it waits on) printed, and one more
   * is started: in one CI run a worker never listened, printing nothing, and its suite's every case
   * failed; what held it could not be told afterwards. A second failure fails the suite.
   */
  async startWorker(env: Record<string, string> = {}): Promise<AppProcess> {
    try {
      return await this.bootWorker(env);
    } catch (error) {
      process.stderr.write(`${(error as Error).message}\n--- starting another worker ---\n`);
      return this.bootWorker(env);
    }
  }

  private async bootWorker(env: Record<string, string>): Promise<AppProcess> {
    const port = await freePort();
    const reports = mkdtempSync(path.join(tmpdir(), 'autocall-worker-report-'));
    const worker = AppProcess.spawn('worker', {
      ...this.env,
      ...env,
      DATABASE_URL: this.api.config.get('DATABASE_URL'),
      REDIS_URL: this.api.config.get('REDIS_URL'),
      REDIS_CLUSTER_NODES: (this.api.config.get('REDIS_CLUSTER_NODES') ?? []).join(','),
      REDIS_KEY_PREFIX: this.api.config.get('REDIS_KEY_PREFIX'),
      WORKER_PORT: String(port),
      LOG_LEVEL: process.env.TEST_WORKER_LOG_LEVEL ?? 'warn',
      // SIGPWR writes a diagnostic report here (read only if the worker does not get ready); not
      // SIGUSR2, which the cost bench's trace sends to every worker for its counts.
      NODE_OPTIONS: [
        env.NODE_OPTIONS ?? this.env.NODE_OPTIONS,
        `--report-on-signal --report-signal=SIGPWR --report-directory=${reports}`,
      ]
        .filter(Boolean)
        .join(' '),
    });
    try {
      await waitFor(
        'a worker',
        async () => (await fetch(`http://127.0.0.1:${port}/health/ready`)).status === 200,
        // A worker boots in 2–5 s; on a machine loaded by other suites it once took over 20.
        60_000,
      );
    } catch (error) {
      // Never left running past its suite (it would dial on, and hold its port): stopped, with
      // what it printed and what it was doing.
      const report = await diagnosticReport(worker, reports);
      await worker.stop('SIGKILL');
      throw new Error(
        `${(error as Error).message} (port ${port}, exit code ${worker.exitCode()})\n` +
          `--- worker output ---\n${worker.output.slice(-4_000)}\n--- diagnostic report ---\n${report}`,
      );
    } finally {
      rmSync(reports, { recursive: true, force: true });
    }
    this.workers.push(worker);
    this.ports.set(worker, port);
    return worker;
  }

  /** The base URL of a worker's health and metrics. */
  workerUrl(worker: AppProcess): string {
    return `http://127.0.0.1:${this.ports.get(worker)}`;
  }

  async stop(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.stop()));
    await this.api.stop();
  }

  http() {
    return this.api.http();
  }

  /** A tenant with lines, and agents of a skill logged in and available. */
  async tenantWithAgents(options: {
    lines: number;
    skill: string;
    agents: number;
    prefix?: string;
  }): Promise<TestTenant> {
    const tenant = await this.api.createTenant('engine', options.lines);
    for (let i = 0; i < options.agents; i++) {
      const id = `${options.prefix ?? 'agent'}-${i}`;
      await this.http()
        .put(`/v1/agents/${id}`)
        .set(bearer(tenant.adminKey))
        .send({ name: id, skills: [options.skill], endpoint: `sip:${id}@pbx.test` })
        .expect(201);
      await this.http()
        .post(`/v1/agents/${id}/session`)
        .set(bearer(tenant.adminKey))
        .send({ state: 'available' })
        .expect(201);
    }
    return tenant;
  }

  async submit(tenant: TestTenant, body: object) {
    const response = await this.http().post('/v1/autocalls').set(bearer(tenant.adminKey)).send(body);
    if (response.status !== 202)
      throw new Error(`submission answered ${response.status}: ${JSON.stringify(response.body)}`);
    return response.body;
  }

  /** Waits until the AutoCall is completed (every target terminal), then returns it. */
  async finished(tenant: TestTenant, autocallId: string, timeoutMs = 60_000) {
    return waitFor(
      `AutoCall ${autocallId} to complete`,
      async () => {
        const { body } = await this.http().get(`/v1/autocalls/${autocallId}`).set(bearer(tenant.adminKey));
        return body.status === 'completed' ? body : undefined;
      },
      timeoutMs,
      100,
    );
  }
}

export const numbers = (count: number, prefix = '+8131') =>
  Array.from({ length: count }, (_, i) => ({
    phoneNumber: `${prefix}${String(i).padStart(7, '0')}`,
    reference: `ref-${i}`,
  }));

/**
 * What a running worker is doing, from a Node diagnostic report (SIGPWR): its JavaScript stack and
 * its libuv handles (sockets with their peers, timers), in a few lines.
 */
async function diagnosticReport(worker: AppProcess, directory: string): Promise<string> {
  if (worker.exitCode() !== null || !worker.pid) return '(the worker had exited)';
  process.kill(worker.pid, 'SIGPWR');
  for (let waited = 0; waited < 5_000; waited += 100) {
    const file = readdirSync(directory).find((name) => name.endsWith('.json'));
    if (file) {
      try {
        const report = JSON.parse(readFileSync(path.join(directory, file), 'utf8')) as {
          javascriptStack?: { message?: string; stack?: string[] };
          libuv?: { type: string; is_active?: boolean; localEndpoint?: unknown; remoteEndpoint?: unknown }[];
        };
        const stack = [report.javascriptStack?.message, ...(report.javascriptStack?.stack ?? [])].join('\n');
        const endpoint = (e: unknown) => (e ? `${(e as { ip4?: string }).ip4}:${(e as { port?: number }).port}` : '-');
        const active = (report.libuv ?? []).filter((h) => h.is_active);
        const handles = active
          .filter((h) => h.localEndpoint || h.remoteEndpoint)
          .map((h) => `${h.type} ${endpoint(h.localEndpoint)} -> ${endpoint(h.remoteEndpoint)}`);
        const others = active.filter((h) => !h.localEndpoint && !h.remoteEndpoint).map((h) => h.type);
        handles.push(`and ${others.length} more: ${others.join(' ')}`);
        return `${stack}\nactive handles:\n${handles.join('\n')}`;
      } catch {
        // Still being written.
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return '(no report within 5 s)';
}
