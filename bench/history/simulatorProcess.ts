import { loadSensorCatalog } from '../../server/live/SensorCatalog.js';
import { startSimulator } from '../../server/live/startSimulator.js';

/**
 * bench:history's sensors, in their own process as a city's devices are: the fill then measures
 * the server's CPU and memory alone, not the load generator's. Arguments: one JSON object
 * { brokerUrl, username, password, sitesFile, sensors, rate }. Stops on SIGTERM.
 */
const { brokerUrl, username, password, sitesFile, sensors, rate } = JSON.parse(process.argv[2] ?? '{}') as {
  brokerUrl: string;
  username: string;
  password: string;
  sitesFile: string;
  sensors: number;
  rate: number;
};
const simulator = await startSimulator({ brokerUrl, credentials: { username, password }, catalog: loadSensorCatalog(sitesFile, sensors), rate });
process.send?.('ready');
process.on('SIGTERM', () => void simulator.stop().then(() => process.exit(0)));
