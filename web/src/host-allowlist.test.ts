import { describe, expect, it } from 'vitest';
import { HostAllowlist, isLoopback, parseHostHeader } from './host-allowlist.ts';

describe('Host header allowlist', () => {
  const local = new HostAllowlist('127.0.0.1', [], () => 7070);

  it('answers loopback names on its own port', () => {
    for (const h of ['127.0.0.1:7070', 'localhost:7070', 'LOCALHOST:7070', '[::1]:7070']) expect(local.check(h)).toBe('ok');
  });
  it('refuses other names and other ports (DNS rebinding)', () => {
    expect(local.check('evil.example:7070')).toBe('refused');
    expect(local.check('localhost:8080')).toBe('refused');
    expect(local.check('localhost')).toBe('refused');
    expect(local.check('192.168.1.5:7070')).toBe('refused');
  });
  it('calls a missing or malformed header bad', () => {
    for (const h of [undefined, '', 'a b', '::1', 'localhost:', 'x:99999999', 'host/path']) expect(local.check(h)).toBe('bad');
  });
  it('adds the bind address and configured names', () => {
    const wide = new HostAllowlist('10.0.0.7', ['runlens.example.org', 'box:8443'], () => 7070);
    expect(wide.check('10.0.0.7:7070')).toBe('ok');
    expect(wide.check('runlens.example.org')).toBe('ok');
    expect(wide.check('runlens.example.org:443')).toBe('ok');
    expect(wide.check('box:8443')).toBe('ok');
    expect(wide.check('box:7070')).toBe('refused');
  });
  it('parses names and ports', () => {
    expect(parseHostHeader('[::1]:80')).toEqual({ name: '::1', port: '80' });
    expect(parseHostHeader('Example.org')).toEqual({ name: 'example.org', port: null });
  });
  it('knows loopback addresses', () => {
    for (const a of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', '::ffff:127.0.0.1']) expect(isLoopback(a)).toBe(true);
    for (const a of ['0.0.0.0', '::', '10.0.0.7', 'example.org']) expect(isLoopback(a)).toBe(false);
  });
});
