import { computeLag, kafkaTriggersOf } from '../../bench/n8n-lag';
import { metricValue } from '../../harness/outbox-metrics';
import { parseStat, parseVmRssKb } from '../../bench/proc-stats';

describe('benchmark readings of n8n, the outbox and /proc', () => {
  it('finds the topic and group of each Kafka trigger in an exported n8n workflow', () => {
    const workflow = {
      name: 'Fraud review desk',
      nodes: [
        { type: 'n8n-nodes-base.kafkaTrigger', parameters: { topic: 'reviews.v1', groupId: 'n8n-desk' } },
        { type: 'n8n-nodes-base.kafka', parameters: { topic: 'commands.v1' } },
        { type: 'n8n-nodes-base.kafkaTrigger', parameters: { topic: '={{ $env.T }}' } },
      ],
    };
    expect(kafkaTriggersOf(workflow, 'desk.json')).toEqual([
      { workflow: 'Fraud review desk', topic: 'reviews.v1', groupId: 'n8n-desk' },
    ]);
    expect(kafkaTriggersOf({ nodes: 'none' }, 'broken.json')).toEqual([]);
  });

  it('computes lag as high-water mark minus committed offset, setting aside partitions never committed', () => {
    const ends = [
      { partition: 0, high: '120' },
      { partition: 1, high: '50' },
      { partition: 2, high: '7' },
      { partition: 3, high: '0' },
    ];
    const committed = [
      { partition: 0, offset: '100' },
      { partition: 1, offset: '50' },
      { partition: 2, offset: '-1' },
    ];
    expect(computeLag(ends, committed)).toEqual({ messages: 20, uncommittedPartitions: 1 });
  });

  it('reads a gauge from Prometheus text, summing its labelled samples and ignoring look-alikes', () => {
    const text = [
      '# HELP fc_outbox_pending_rows Outbox events not yet published.',
      '# TYPE fc_outbox_pending_rows gauge',
      'fc_outbox_pending_rows 12',
      'fc_outbox_pending_rows_total 99',
      'fc_outbox_oldest_pending_age_seconds{relay="a"} 1.5',
      'fc_outbox_oldest_pending_age_seconds{relay="b"} 0.5',
    ].join('\n');
    expect(metricValue(text, 'fc_outbox_pending_rows')).toBe(12);
    expect(metricValue(text, 'fc_outbox_oldest_pending_age_seconds')).toBe(2);
    expect(metricValue(text, 'fc_outbox_relay_leader')).toBeUndefined();
  });

  it('parses /proc stat lines whose command name holds spaces and parentheses', () => {
    // utime 250, stime 50, and 7 + 3 of reaped children.
    const stat = '4242 (node (task runner)) S 4200 4242 4242 0 -1 4194560 1 0 0 0 250 50 7 3 20 0 11 0 1 2 3';
    expect(parseStat(stat)).toEqual({ ppid: 4200, cpuTicks: 310 });
    expect(parseVmRssKb('Name:\tnode\nVmRSS:\t  123456 kB\nVmSwap:\t0 kB\n')).toBe(123456);
    expect(parseVmRssKb('Name:\tkthreadd\n')).toBeUndefined();
  });
});
