import { placementsOf, unansweredPartitions } from '../../workers/event-placement';

describe('where the relay reads each event was placed', () => {
  it('counts each partition from its base offset, in the order the messages were given', () => {
    const sent = [
      { topic: 'events', partition: 1 },
      { topic: 'events', partition: 0 },
      { topic: 'events', partition: 1 },
      { topic: 'groups', partition: 1 },
      { topic: 'events', partition: 1 },
    ];
    const answer = [
      { topicName: 'events', partition: 0, errorCode: 0, baseOffset: '7' },
      { topicName: 'events', partition: 1, errorCode: 0, baseOffset: '40' },
      { topicName: 'groups', partition: 1, errorCode: 0, baseOffset: '3' },
    ];
    expect(placementsOf(sent, answer)).toEqual([
      { topic: 'events', partition: 1, offset: '40' },
      { topic: 'events', partition: 0, offset: '7' },
      { topic: 'events', partition: 1, offset: '41' },
      { topic: 'groups', partition: 1, offset: '3' },
      { topic: 'events', partition: 1, offset: '42' },
    ]);
  });

  it('leaves a message unplaced when the answer lacks its partition, and keeps 64-bit offsets exact', () => {
    const answer = [{ topicName: 'events', partition: 0, errorCode: 0, baseOffset: '9007199254740993' }];
    expect(
      placementsOf(
        [
          { topic: 'events', partition: 0 },
          { topic: 'events', partition: 2 },
          { topic: 'events', partition: 0 },
        ],
        answer,
      ),
    ).toEqual([
      { topic: 'events', partition: 0, offset: '9007199254740993' },
      undefined,
      { topic: 'events', partition: 0, offset: '9007199254740994' },
    ]);
  });
});

describe('unansweredPartitions', () => {
  const meta = (topicName: string, partition: number, errorCode = 0) => ({
    topicName,
    partition,
    errorCode,
    baseOffset: '0',
  });

  it('names the partitions a send wrote to that its answer leaves out (kafkajs#1303: a leader died mid-send)', () => {
    const sent = [
      { topic: 'events', partition: 0 },
      { topic: 'events', partition: 1 },
      { topic: 'events', partition: 1 },
      { topic: 'alerts', partition: 2 },
    ];
    expect(unansweredPartitions(sent, [meta('events', 0), meta('alerts', 2)])).toEqual(['events:1']);
    expect(unansweredPartitions(sent, [meta('events', 0), meta('events', 1), meta('alerts', 2)])).toEqual([]);
  });

  it('counts a partition answered with an error as unanswered', () => {
    expect(unansweredPartitions([{ topic: 'events', partition: 0 }], [meta('events', 0, 6)])).toEqual([
      'events:0',
    ]);
  });
});
