import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ipInBlock, parseIp, parseIpBlock } from './ip.ts';

const inBlock = (ip: string, block: string) => {
  const a = parseIp(ip);
  const b = parseIpBlock(block);
  assert.ok(a && b, `parse ${ip} / ${block}`);
  return ipInBlock(a, b);
};

describe('IP addresses and CIDR blocks', () => {
  it('matches IPv4 addresses against blocks', () => {
    assert.equal(inBlock('203.0.113.7', '203.0.113.0/24'), true);
    assert.equal(inBlock('203.0.114.7', '203.0.113.0/24'), false);
    assert.equal(inBlock('10.1.2.3', '10.0.0.0/8'), true);
    assert.equal(inBlock('1.2.3.4', '0.0.0.0/0'), true);
    assert.equal(inBlock('192.0.2.1', '192.0.2.1'), true, 'a bare address is a /32');
    assert.equal(inBlock('192.0.2.2', '192.0.2.1/32'), false);
    assert.equal(inBlock('203.0.113.7', '203.0.113.99/24'), true, 'host bits in the block are ignored');
  });

  it('matches IPv6 addresses against blocks, including compressed forms', () => {
    assert.equal(inBlock('2001:db8::1', '2001:db8::/32'), true);
    assert.equal(inBlock('2001:db9::1', '2001:db8::/32'), false);
    assert.equal(inBlock('2001:DB8:0:0:0:0:0:1', '2001:db8::1/128'), true);
    assert.equal(inBlock('::1', '::/0'), true);
    assert.equal(inBlock('::ffff:10.0.0.1', '::ffff:0:0/96'), true);
  });

  it('never matches across address families', () => {
    assert.equal(inBlock('10.0.0.1', '::/0'), false);
    assert.equal(inBlock('::1', '0.0.0.0/0'), false);
  });

  it('refuses malformed addresses and blocks', () => {
    for (const bad of ['', '1.2.3', '1.2.3.4.5', '256.1.1.1', '01.2.3.4', 'a.b.c.d', '1::2::3', '12345::', ':::', 'g::1']) {
      assert.equal(parseIp(bad), null, bad);
    }
    for (const bad of ['10.0.0.0/33', '10.0.0.0/', '10.0.0.0/x', '::/129', '10.0.0.0/-1']) {
      assert.equal(parseIpBlock(bad), null, bad);
    }
  });
});
