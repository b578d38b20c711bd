/** Quotes a word for POSIX sh: bare when it holds only safe characters, else in single quotes. */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_./:@%+=,-]+$/.test(word)) return word;
  return `'${word.split("'").join(`'\\''`)}'`;
}
