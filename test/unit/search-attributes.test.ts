import * as searchAttributes from '../../workflows/search-attributes';
import { orderSearchAttributeKeys } from '../../workflows/search-attributes';
import { listedSearchAttributes } from '../support/search-attributes';

/** The SDK's type (KEYWORD_LIST) as the Temporal CLI spells it (KeywordList). */
function cliTypeName(type: string): string {
  return type
    .split('_')
    .map((word) => word.charAt(0) + word.slice(1).toLowerCase())
    .join('');
}

describe('order search attributes', () => {
  it('lists every key the workflow code defines in orderSearchAttributeKeys', () => {
    const defined = Object.values(searchAttributes).filter(
      (value) => !Array.isArray(value) && typeof value === 'object' && 'name' in value,
    );
    expect(defined.length).toBeGreaterThan(0);
    expect(new Set(orderSearchAttributeKeys)).toEqual(new Set(defined));
  });

  it('are the ones the local stack registers, with the same types', () => {
    const defined = Object.fromEntries(
      orderSearchAttributeKeys.map((key) => [key.name, cliTypeName(key.type)]),
    );
    expect(listedSearchAttributes()).toEqual(defined);
  });
});
