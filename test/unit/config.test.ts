import { ConfigError, envSchema, loadConfig } from '../../platform/config';

describe('configuration', () => {
  it('uses the local stack defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config.temporal.address).toBe('127.0.0.1:7233');
    expect(config.kafka.brokers).toEqual(['127.0.0.1:9092']);
    expect(config.database.url).toMatch(/:54329\/fusioncommerce$/);
    expect(config.http.port).toBe(3000);
    expect(config.log.format).toBe('pretty');
  });

  it('names the variable and the value it refuses', () => {
    expect(() => loadConfig({ HTTP_PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ HTTP_PORT: '70000' })).toThrow(/HTTP_PORT="70000"/);
    expect(() => loadConfig({ KAFKA_BROKERS: 'localhost' })).toThrow(/KAFKA_BROKERS=.*host:port/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL=.*postgres/);
  });

  it('reports every bad variable at once', () => {
    try {
      loadConfig({ HTTP_PORT: '0', TEMPORAL_TLS: 'yes' });
      throw new Error('expected a ConfigError');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const names = (err as ConfigError).problems.map((p) => p.split('=')[0]);
      expect(names.sort()).toEqual(['HTTP_PORT', 'TEMPORAL_TLS']);
    }
  });

  it('parses lists and flags, and treats empty strings as unset', () => {
    const config = loadConfig({ KAFKA_BROKERS: 'a:1, b:2', KAFKA_SSL: 'true', HTTP_PORT: '' });
    expect(config.kafka.brokers).toEqual(['a:1', 'b:2']);
    expect(config.kafka.ssl).toBe(true);
    expect(config.http.port).toBe(3000);
  });

  it('turns TLS on for Temporal Cloud API keys and logs JSON in production', () => {
    const config = loadConfig({ TEMPORAL_API_KEY: 'k', NODE_ENV: 'production' });
    expect(config.temporal.tls).toBe(true);
    expect(config.log.format).toBe('json');
  });

  it('refuses a SASL mechanism without credentials', () => {
    expect(() => loadConfig({ KAFKA_SASL_MECHANISM: 'plain' })).toThrow(/KAFKA_SASL_USERNAME/);
  });

  it('describes every variable, so the table in docs/configuration.md has no blanks', () => {
    for (const [name, schema] of Object.entries(envSchema.shape)) {
      expect([name, schema.description?.length ?? 0]).not.toEqual([name, 0]);
    }
  });
});
