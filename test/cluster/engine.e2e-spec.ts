import { onRedisCluster } from '../support/redis-cluster';
// The engine's main scenarios (immediate and sequential dialing through the API and a worker on
// the simulator, every target ended within its bounds), the upgrade of held queues from their
// earlier layout (a pipeline over pools of several slots), and Bull Board (BullMQ's queues read
// through the API's Cluster connection): the same suites as on a single Redis, on one cluster.
import '../engine/modes.e2e-spec';
import '../engine/held-layout-upgrade.e2e-spec';
import '../ops/bull-board.e2e-spec';

onRedisCluster();
