import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Redis, { Cluster } from 'ioredis';
import { freePort, waitFor } from './processes';

interface ClusterNode {
  port: number;
  dir: string;
  process: ChildProcess;
}

/**
 * A private Redis Cluster for tests: three masters and three replicas of Debian's `redis-server`
 * on free loopback ports, each in its own temporary directory, with no persistence, joined with
 * `redis-cli --cluster create`. `failover` promotes a master's replica (CLUSTER FAILOVER on it).
 */
export class RedisClusterServer {
  private constructor(
    private readonly nodes: ClusterNode[],
    private readonly root: string,
  ) {}

  /** The seed nodes, as REDIS_CLUSTER_NODES takes them. */
  get seeds(): string {
    return this.nodes.map((n) => `127.0.0.1:${n.port}`).join(',');
  }

  static async start(masters = 3, replicasEach = 1): Promise<RedisClusterServer> {
    const root = mkdtempSync(path.join(tmpdir(), 'autocall-redis-cluster-'));
    const nodes: ClusterNode[] = [];
    const cluster = new RedisClusterServer(nodes, root);
    try {
      const taken = new Set<number>();
      for (let i = 0; i < masters * (1 + replicasEach); i++) {
        const port = await clusterNodePort(taken);
        const dir = path.join(root, String(port));
        mkdirSync(dir);
        nodes.push({ port, dir, process: spawnNode(port, dir) });
      }
      for (const node of nodes) await cluster.waitForPing(node);
      const created = spawnSync(
        'redis-cli',
        ['--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-replicas', String(replicasEach)],
        { input: 'yes\n', encoding: 'utf8', timeout: 30_000 },
      );
      if (created.status !== 0)
        throw new Error(`redis-cli --cluster create failed: ${created.stdout}${created.stderr}`);
      await cluster.waitUntilSettled();
      return cluster;
    } catch (error) {
      await cluster.stop();
      throw error;
    }
  }

  /** Every node says cluster_state:ok and every slot is served, with each master's replicas in sync. */
  async waitUntilSettled(timeoutMs = 30_000): Promise<void> {
    await waitFor(
      'the Redis Cluster to settle',
      async () => {
        for (const node of this.nodes) {
          const info = await this.command(node.port, ['cluster', 'info']);
          if (!/cluster_state:ok/.test(info) || !/cluster_slots_ok:16384/.test(info)) return false;
        }
        const masters = await this.masters();
        if (masters.length * 2 !== this.nodes.length) return false;
        for (const master of masters) {
          const replication = await this.command(master, ['info', 'replication']);
          if (!/connected_slaves:1/.test(replication) || !/state=online/.test(replication)) return false;
        }
        return true;
      },
      timeoutMs,
      100,
    );
  }

  /** The ports of the current masters. */
  async masters(): Promise<number[]> {
    const listing = await this.command(this.nodes[0].port, ['cluster', 'nodes']);
    return listing
      .split('\n')
      .filter((line) => {
        const flags = line.split(' ')[2]?.split(',') ?? [];
        return flags.includes('master') && !flags.some((flag) => flag.startsWith('fail'));
      })
      .map((line) => Number(line.split(' ')[1].split('@')[0].split(':').pop()));
  }

  /** The port of the replica of a master. */
  async replicaOf(masterPort: number): Promise<number> {
    const listing = await this.command(this.nodes[0].port, ['cluster', 'nodes']);
    const lines = listing.split('\n').filter(Boolean);
    const master = lines.find((line) => line.split(' ')[1].startsWith(`127.0.0.1:${masterPort}@`));
    if (!master) throw new Error(`no node on port ${masterPort}`);
    const id = master.split(' ')[0];
    const replica = lines.find((line) => line.split(' ')[3] === id);
    if (!replica) throw new Error(`master ${masterPort} has no replica`);
    return Number(replica.split(' ')[1].split('@')[0].split(':').pop());
  }

  /**
   * Promotes the replica of `masterPort` (a manual CLUSTER FAILOVER: the master stops taking
   * writes, the replica catches up and takes over its slots); resolves once the cluster is settled.
   */
  async failover(masterPort: number): Promise<number> {
    const replica = await this.replicaOf(masterPort);
    const answer = await this.command(replica, ['cluster', 'failover']);
    if (answer.trim() !== 'OK') throw new Error(`CLUSTER FAILOVER on ${replica}: ${answer}`);
    await waitFor(
      `the replica ${replica} to become a master`,
      async () => /role:master/.test(await this.command(replica, ['info', 'replication'])),
      15_000,
      50,
    );
    await this.waitUntilSettled();
    return replica;
  }

  /** A client of the whole cluster (the caller closes it). */
  client(): Cluster {
    const client = new Cluster(this.nodes.map((n) => ({ host: '127.0.0.1', port: n.port })));
    client.on('error', () => undefined);
    return client;
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.nodes.map(async (node) => {
        if (node.process.exitCode !== null || node.process.signalCode !== null) return;
        node.process.kill('SIGKILL');
        await once(node.process, 'exit');
      }),
    );
    rmSync(this.root, { recursive: true, force: true });
  }

  private async waitForPing(node: ClusterNode): Promise<void> {
    await waitFor(`redis-server on ${node.port}`, async () => {
      if (node.process.exitCode !== null) throw new Error(`redis-server on ${node.port} exited`);
      return (await this.command(node.port, ['ping'])) === 'PONG';
    });
  }

  /** One command to one node, its reply as text. */
  private async command(port: number, args: string[]): Promise<string> {
    const client = new Redis({
      port,
      host: '127.0.0.1',
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    client.on('error', () => undefined);
    try {
      await client.connect();
      return String(await client.call(args[0], ...args.slice(1)));
    } finally {
      client.disconnect();
    }
  }
}

/**
 * A port for a cluster node: free, not given to another node of this cluster, and with its cluster
 * bus port (10,000 higher, which Redis needs below 65,536) free too. A free port alone was not
 * enough: the system's ephemeral range reaches 60,999, and two calls may return the same port.
 */
async function clusterNodePort(taken: Set<number>): Promise<number> {
  for (let tries = 0; tries < 500; tries++) {
    const port = await freePort();
    if (port > 55_535 || taken.has(port) || taken.has(port + 10_000)) continue;
    if (!(await isFree(port + 10_000))) continue;
    taken.add(port).add(port + 10_000);
    return port;
  }
  throw new Error('no free port pair for a Redis Cluster node');
}

async function isFree(port: number): Promise<boolean> {
  const server = createServer();
  try {
    server.listen(port, '127.0.0.1');
    await once(server, 'listening');
    return true;
  } catch {
    return false;
  } finally {
    if (server.listening) {
      server.close();
      await once(server, 'close');
    }
  }
}

function spawnNode(port: number, dir: string): ChildProcess {
  return spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--cluster-enabled',
      'yes',
      '--cluster-config-file',
      'nodes.conf',
      '--cluster-node-timeout',
      '5000',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
    ],
    { cwd: dir, stdio: 'ignore' },
  );
}

/**
 * Runs the suites of the calling file on a private Redis Cluster: started before them, named to
 * the harnesses through TEST_REDIS_CLUSTER_NODES (ApiHarness and EngineHarness then connect the API
 * and the workers to it), stopped after them. Call it at the top level of a spec file.
 */
export function onRedisCluster(): { cluster: () => RedisClusterServer } {
  let cluster: RedisClusterServer | undefined;
  beforeAll(async () => {
    cluster = await RedisClusterServer.start();
    process.env.TEST_REDIS_CLUSTER_NODES = cluster.seeds;
  });
  afterAll(async () => {
    delete process.env.TEST_REDIS_CLUSTER_NODES;
    await cluster?.stop();
  });
  return {
    cluster: () => {
      if (!cluster) throw new Error('the Redis Cluster is not started');
      return cluster;
    },
  };
}
