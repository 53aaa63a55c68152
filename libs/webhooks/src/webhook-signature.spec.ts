import { Webhook } from 'standardwebhooks';
import { generateWebhookSecret, webhookHeaders } from './webhook-signature';

/** Our signatures checked by the reference implementation of the specification, not by our code. */
describe('Standard Webhooks signatures', () => {
  const body = JSON.stringify({ id: 'evt', type: 'autocall.completed', data: { n: 1, text: 'été ☎' } });

  it('verify with the standardwebhooks package', () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = webhookHeaders([secret], 'msg_1', timestamp, body);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it('carry one signature per valid secret during a rotation, each verifying on its own', () => {
    const [current, previous] = [generateWebhookSecret(), generateWebhookSecret()];
    const headers = webhookHeaders([current, previous], 'msg_2', Math.floor(Date.now() / 1000), body);
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(new Webhook(current).verify(body, headers)).toBeTruthy();
    expect(new Webhook(previous).verify(body, headers)).toBeTruthy();
    expect(() => new Webhook(generateWebhookSecret()).verify(body, headers)).toThrow();
  });

  it('do not verify a changed body or an old timestamp', () => {
    const secret = generateWebhookSecret();
    const headers = webhookHeaders([secret], 'msg_3', Math.floor(Date.now() / 1000), body);
    expect(() => new Webhook(secret).verify(body.replace('1', '2'), headers)).toThrow();
    const stale = webhookHeaders([secret], 'msg_3', Math.floor(Date.now() / 1000) - 3600, body);
    expect(() => new Webhook(secret).verify(body, stale)).toThrow();
  });
});
