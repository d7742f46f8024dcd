/**
 * MQTT topic filters (MQTT 3.1.1 § 4.7, 5.0 § 4.8.2) compiled once into a
 * predicate: `+` matches one level, a trailing `#` the parent level and
 * everything below it, and a shared subscription (`$share/<group>/<filter>`)
 * matches what its filter matches. Topics starting with `$` match no filter
 * that starts with a wildcard.
 */
export type TopicPredicate = (topic: string) => boolean;

const SHARE = /^\$share\/[^/#+]+\/(.+)$/;

export function compileTopicFilter(filter: string): TopicPredicate {
    const unshared = SHARE.exec(filter)?.[1] ?? filter;
    const levels = unshared.split('/');
    const wildcardFirst = levels[0] === '+' || levels[0] === '#';
    const match = matcher(levels);
    return wildcardFirst ? (topic) => !topic.startsWith('$') && match(topic) : match;
}

function matcher(levels: string[]): TopicPredicate {
    const multi = levels[levels.length - 1] === '#';
    const fixed = multi ? levels.slice(0, -1) : levels;
    // The common filter `a/b/#`: a prefix test, no split.
    if (multi && !fixed.includes('+')) {
        const parent = fixed.join('/');
        if (parent === '') return () => true;
        const prefix = `${parent}/`;
        return (topic) => topic.startsWith(prefix) || topic === parent;
    }
    return (topic) => {
        const parts = topic.split('/');
        if (multi ? parts.length < fixed.length : parts.length !== fixed.length) return false;
        for (let i = 0; i < fixed.length; i++) {
            if (fixed[i] !== '+' && fixed[i] !== parts[i]) return false;
        }
        return true;
    };
}
