import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { safeSessionDbFileName } from '../../src/index.ts';
import { portableCodecs } from '../../src/core/codec/codecs.ts';
import { nodeCodecs } from '../../src/node.ts';

describe('safeSessionDbFileName', () => {
  const vectors: Array<[string, string]> = [
    ['chat/alpha', 'chat_alpha-d8d20168f855065d.db'],
    ['../weird/session', 'weird_session-7a2d2bada3f30bfe.db'],
    ['root', 'root-4813494d137e1631.db'],
    ['', 'session-e3b0c44298fc1c14.db'],
    ['___', 'session-bda251550bf0478f.db'],
    ['delete/me', 'delete_me-cc812727fc741128.db'],
    ['explicit', 'explicit-3b283e93debf035e.db'],
  ];

  it('matches the reference test vectors with either codec set', () => {
    for (const [id, expected] of vectors) {
      assert.equal(safeSessionDbFileName(id), expected, id);
      assert.equal(safeSessionDbFileName(id, nodeCodecs), expected, id);
      assert.equal(safeSessionDbFileName(id, portableCodecs), expected, id);
    }
  });

  it('replaces each code point, not each UTF-16 unit, and hashes the UTF-8 bytes', () => {
    const name = safeSessionDbFileName('a🙂b');
    assert.match(name, /^a_b-[0-9a-f]{16}\.db$/);
    assert.equal(name.slice(4, 20), nodeCodecs.sha256Hex('a🙂b').slice(0, 16));
  });

  it('keeps [A-Za-z0-9_-], trims underscores at both ends, and cuts to 80 characters', () => {
    assert.match(safeSessionDbFileName('_A-z_9_'), /^A-z_9-[0-9a-f]{16}\.db$/);
    const long = safeSessionDbFileName('x'.repeat(200));
    assert.equal(long.length, 80 + 1 + 16 + 3);
    assert.notEqual(safeSessionDbFileName('x'.repeat(200)), safeSessionDbFileName('x'.repeat(201)));
  });
});
