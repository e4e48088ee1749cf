import { partitionQueueName, QueueName } from './queue-name';

describe('partitionQueueName', () => {
  it('names partition queues from the one enum', () => {
    expect(partitionQueueName(QueueName.Events, 0)).toBe('events-p0');
    expect(partitionQueueName(QueueName.Events, 7)).toBe('events-p7');
  });

  it('rejects a partition that is not a non-negative integer', () => {
    expect(() => partitionQueueName(QueueName.Events, -1)).toThrow(RangeError);
    expect(() => partitionQueueName(QueueName.Events, 1.5)).toThrow(RangeError);
  });

  it('keeps queue names free of ":" (BullMQ uses it as its key separator)', () => {
    for (const name of Object.values(QueueName)) expect(name).not.toContain(':');
  });
});
