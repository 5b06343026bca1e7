import { loadConfigOrExit } from '../platform/config';
import { runUntilSignalled } from '../platform/lifecycle';
import { createLogger } from '../platform/logger';
import { installTemporalLogging } from '../platform/temporal-logging';
import { createOrderWorker } from './order-worker';

const config = loadConfigOrExit();
const logger = createLogger(config, 'order-worker');
installTemporalLogging(logger);
void runUntilSignalled(createOrderWorker(config, logger), logger, config.shutdownGraceMs);
