import { jobIdForDelivery } from './event-job';

describe('jobIdForDelivery', () => {
  it('derives the job id from the delivery id, without the ":" BullMQ refuses', () => {
    expect(jobIdForDelivery('72d3162e-cc78-11e3-81ab-4c9367dc0958')).toBe('delivery-72d3162e-cc78-11e3-81ab-4c9367dc0958');
    expect(jobIdForDelivery('a:b')).toBe('delivery-a_b');
  });
});
