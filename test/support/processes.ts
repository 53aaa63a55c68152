import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { chownSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Redis from 'ioredis';
import { TEST_ERASURE_HASH_KEY, TEST_SECRETS_KEYS } from './secrets';

// The repository root, also when this file runs compiled into dist/bench (the benchmarks).
const ROOT = path.resolve(__dirname, '../..').replace(/[\\/]dist[\\/]bench$/, '');

/** A free TCP port on loopback, chosen by the kernel. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  timeoutMs = 15_000,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`timed out waiting for ${what}${lastError ? `: ${(lastError as Error).message}` : ''}`);
}

/**
 * A private Redis server for tests that flush or kill it (never the shared one): its own port, its
 * own temporary directory, no persistence at all, so that a restart comes back empty, as a Redis
 * without AOF or snapshots does after a crash.
 */
export class RedisServer {
  private process: ChildProcess;

  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {
    this.process = this.spawn();
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<RedisServer> {
    const server = new RedisServer(await freePort(), mkdtempSync(path.join(tmpdir(), 'autocall-redis-')));
    await server.ready();
    return server;
  }

  /** True while the server process runs. */
  running(): boolean {
    return this.process.exitCode === null && this.process.signalCode === null;
  }

  /** SIGKILL: gone at once, as in a crash; its clients see their connections drop. */
  async kill(): Promise<void> {
    if (!this.running()) return;
    this.process.kill('SIGKILL');
    await once(this.process, 'exit');
  }

  /** Starts again on the same port, empty (nothing was persisted). */
  async restart(): Promise<void> {
    await this.kill();
    this.process = this.spawn();
    await this.ready();
  }

  async stop(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private spawn(): ChildProcess {
    return spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.dir],
      { cwd: this.dir, stdio: 'ignore' },
    );
  }

  private async ready(): Promise<void> {
    await waitFor('redis-server', async () => {
      if (!this.running()) throw new Error(`redis-server exited (${this.process.exitCode ?? this.process.signalCode})`);
      const client = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      client.on('error', () => undefined);
      try {
        await client.connect();
        return (await client.ping()) === 'PONG';
      } finally {
        client.disconnect();
      }
    });
  }
}

/** A built AutoCall app (dist/apps/<app>) in its own process, as in production. */
export class AppProcess {
  output = '';

  private constructor(private readonly child: ChildProcess) {
    child.stdout?.on('data', (chunk) => (this.output += chunk));
    child.stderr?.on('data', (chunk) => (this.output += chunk));
  }

  static spawn(app: 'api' | 'worker' | 'cli', env: Record<string, string>, args: string[] = []): AppProcess {
    const child = spawn(process.execPath, [path.join(ROOT, 'dist/apps', app, 'src/main.js'), ...args], {
      cwd: ROOT,
      // The tests' key ring unless the test sets its own ('' for none: counted as unset).
      env: {
        PATH: process.env.PATH ?? '',
        SECRETS_KEYS: TEST_SECRETS_KEYS,
        ERASURE_HASH_KEY: TEST_ERASURE_HASH_KEY,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new AppProcess(child);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** The exit code, or null while it runs. */
  exitCode(): number | null {
    return this.child.exitCode ?? (this.child.signalCode ? -1 : null);
  }

  async exited(): Promise<number | null> {
    if (this.child.exitCode !== null) return this.child.exitCode;
    const [code] = await once(this.child, 'exit');
    return code as number | null;
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.child.exitCode;
    this.child.kill(signal);
    return this.exited();
  }
}

/**
 * A private PostgreSQL cluster for tests that stop it (never the shared server): initdb in a
 * temporary directory, run as the `postgres` system user, on its own port, trust auth on loopback.
 */
export class PostgresServer {
  private constructor(
    private readonly dataDir: string,
    readonly port: number,
    private readonly bin: string,
  ) {}

  get url(): string {
    return `postgresql://postgres@127.0.0.1:${this.port}/postgres`;
  }

  static async start(): Promise<PostgresServer> {
    const versions = readdirSync('/usr/lib/postgresql').sort();
    const bin = `/usr/lib/postgresql/${versions[versions.length - 1]}/bin`;
    const dataDir = mkdtempSync(path.join(tmpdir(), 'autocall-pg-'));
    chownSync(dataDir, postgresUid(), postgresGid());
    const server = new PostgresServer(dataDir, await freePort(), bin);
    server.asPostgres(`${bin}/initdb`, ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '--no-sync']);
    await server.resume();
    return server;
  }

  /** Starts (again) on the same port and data. */
  async resume(): Promise<void> {
    this.asPostgres(`${this.bin}/pg_ctl`, [
      '-D',
      this.dataDir,
      '-o',
      `-p ${this.port} -k ${this.dataDir} -c listen_addresses=127.0.0.1 -c fsync=off`,
      '-l',
      path.join(this.dataDir, 'log'),
      '-w',
      'start',
    ]);
  }

  /** Stops at once, as a crash or an outage would (clients see their connections drop). */
  async halt(): Promise<void> {
    this.asPostgres(`${this.bin}/pg_ctl`, ['-D', this.dataDir, '-m', 'immediate', '-w', 'stop']);
  }

  async destroy(): Promise<void> {
    try {
      await this.halt();
    } catch {
      /* already stopped */
    }
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  private asPostgres(command: string, args: string[]): void {
    const result = spawnSync('runuser', ['-u', 'postgres', '--', command, ...args], { stdio: 'pipe' });
    if (result.status !== 0) throw new Error(`${command} failed: ${result.stderr?.toString() ?? ''}`);
  }
}

function postgresUid(): number {
  return Number(spawnSync('id', ['-u', 'postgres']).stdout.toString().trim());
}
function postgresGid(): number {
  return Number(spawnSync('id', ['-g', 'postgres']).stdout.toString().trim());
}
