import { onRedisCluster } from '../support/redis-cluster';
// The replicas fault case (two API replicas, three workers, one killed; every mode at once), as it
// runs on a single Redis.
import '../faults/replicas.e2e-spec';

onRedisCluster();
