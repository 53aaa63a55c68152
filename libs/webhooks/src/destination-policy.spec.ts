import { DestinationPolicy, RefusedDestinationError } from './destination-policy';

describe('webhook destination policy', () => {
  const policy = new DestinationPolicy();

  it('refuses loopback, private, link-local, shared, multicast and unspecified addresses', () => {
    for (const address of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '224.0.0.1',
      '::1',
      '::',
      'fe80::1',
      'fd00::1',
      '::ffff:127.0.0.1',
      '::ffff:10.0.0.1',
    ]) {
      expect([address, policy.permits(address)]).toEqual([address, false]);
    }
  });

  it('permits public addresses', () => {
    for (const address of ['93.184.216.34', '8.8.8.8', '172.32.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8']) {
      expect([address, policy.permits(address)]).toEqual([address, true]);
    }
  });

  it('permits the networks configuration allows, and only those', () => {
    const loopback = new DestinationPolicy(['127.0.0.0/8']);
    expect(loopback.permits('127.0.0.1')).toBe(true);
    expect(loopback.permits('::1')).toBe(false);
    expect(loopback.permits('10.0.0.1')).toBe(false);
  });

  it('checks IP literals in URLs without DNS, and names through DNS', async () => {
    await expect(policy.assertPermitted(new URL('http://169.254.169.254/latest/meta-data'))).rejects.toBeInstanceOf(
      RefusedDestinationError,
    );
    await expect(policy.assertPermitted(new URL('http://[::1]:8080/'))).rejects.toBeInstanceOf(RefusedDestinationError);
    await expect(policy.assertPermitted(new URL('http://localhost/'))).rejects.toBeInstanceOf(RefusedDestinationError);
    await expect(policy.assertPermitted(new URL('https://93.184.216.34/'))).resolves.toBeUndefined();
  });
});
