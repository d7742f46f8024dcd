/**
 * Hot-path companions kept on a state object its owner serialises and compares
 * (the registry's sensor states: snapshot JSON, deepEqual in tests): stored
 * under a symbol and not enumerable, so neither sees them. Reaching them from
 * the state saves the map lookups that would find them elsewhere, each a cache
 * miss in a large fleet.
 */
export function setHidden<T>(target: object, key: symbol, value: T): T {
    if (Object.hasOwn(target, key)) (target as Record<symbol, unknown>)[key] = value;
    else Object.defineProperty(target, key, { value, writable: true });
    return value;
}
