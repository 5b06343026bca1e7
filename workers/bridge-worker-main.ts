import { loadConfigOrExit } from '../platform/config';
import { runUntilSignalled } from '../platform/lifecycle';
import { createLogger } from '../platform/logger';
import { installTemporalLogging } from '../platform/temporal-logging';
import { createBridgeWorker } from './bridge-worker';

const config = loadConfigOrExit();
const logger = createLogger(config, 'bridge-worker');
installTemporalLogging(logger);
void runUntilSignalled(createBridgeWorker(config, logger), logger, config.shutdownGraceMs);
