/**
 * What text people type may contain. No control characters: PostgreSQL cannot store NUL in text, and
 * none belongs in a name, an address or a reason (prose may keep tabs and line breaks). A required text
 * needs one visible character: a name made of spaces is no name. Kept free of zod (plain patterns) so
 * workflow code can run the same checks; the zod schemas use the same patterns, so the OpenAPI document
 * states them.
 */
const LINE_CHAR = String.raw`[^\u0000-\u001f\u007f]`;
const LINE_VISIBLE = String.raw`[^\s\u0000-\u001f\u007f]`;
const PROSE_CHAR = String.raw`[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]`;
const PROSE_VISIBLE = String.raw`[^\s\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]`;

/** One line (names, address lines, actors): no control character; `required` needs a visible one. */
export const linePattern = {
  optional: new RegExp(`^${LINE_CHAR}*$`),
  required: new RegExp(`^${LINE_CHAR}*${LINE_VISIBLE}${LINE_CHAR}*$`),
};
/** Prose (notes, reasons): tabs and line breaks allowed, other control characters not. */
export const prosePattern = {
  optional: new RegExp(`^${PROSE_CHAR}*$`),
  required: new RegExp(`^${PROSE_CHAR}*${PROSE_VISIBLE}${PROSE_CHAR}*$`),
};

/** Identifiers such as a customer id: no spaces, no control characters. */
export const customerIdPattern = new RegExp(String.raw`^[^\s\u0000-\u001f\u007f]+$`);

export const textRules = {
  line: 'must be one line of text without control characters',
  lineRequired: 'must be one line of text without control characters, with at least one visible character',
  prose: 'must not contain control characters other than tabs and line breaks',
  proseRequired:
    'must not contain control characters other than tabs and line breaks, and needs at least one visible character',
} as const;
