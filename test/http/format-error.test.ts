import { formatError, MAX_MESSAGE_LENGTH } from '../../src/http/format-error';

describe('long messages', () => {
  it('keeps a message up to the limit as it is', () => {
    const message = `Variable "$n" got invalid value "${'x'.repeat(200)}"`;
    expect(formatError({ message, extensions: { code: 'BAD_USER_INPUT' } }).message).toBe(message);
  });

  it('cuts quoted values to their start, escapes and all, and leaves short ones whole', () => {
    const long = `a\\"b${'y'.repeat(2_000)}`;
    const message = `Field "name" got "${long}"; expected "Int"`;
    const formatted = formatError({ message, extensions: { code: 'BAD_USER_INPUT' }, path: ['x'] });
    expect(formatted.message).toBe(`Field "name" got "${long.slice(0, 101)}…" (${long.length - 101} more characters); expected "Int"`);
    expect(formatted.extensions).toEqual({ code: 'BAD_USER_INPUT' });
    expect(formatted.path).toEqual(['x']);
  });

  it('cuts a long message without quotes at the limit, saying how much is gone', () => {
    const formatted = formatError({ message: 'z'.repeat(5_000), extensions: { code: 'BAD_REQUEST' } });
    expect(formatted.message).toBe(`${'z'.repeat(MAX_MESSAGE_LENGTH)}… (4000 more characters)`);
  });
});
