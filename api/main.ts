import { loadConfigOrExit } from '../platform/config';
import { runUntilSignalled } from '../platform/lifecycle';
import { createLogger } from '../platform/logger';
import { createApiServer } from './server';

const config = loadConfigOrExit();
const logger = createLogger(config, 'api');
void runUntilSignalled(createApiServer(config, logger), logger, config.shutdownGraceMs);
