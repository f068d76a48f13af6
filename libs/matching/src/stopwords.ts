/**
 * English function words. They carry syntax, not content, so the n-gram tier skips them: a
 * paraphrase rarely keeps them, and unrelated texts share them all the time. The list is the
 * usual closed-class set (articles, pronouns, auxiliaries, prepositions, conjunctions, common
 * adverbs) plus the pieces that apostrophes leave behind ("don't" → "don" "t").
 */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  `a about above after again against all almost along also although always am an and another any
  anyone anything are as at be became because become been before being below between both but by can
  cannot could did do does doing done down during each either else etc even ever every few for from further
  had has have having he her here hers herself him himself his how however i ie if in into is it its itself just
  least may me might more most much must my myself neither no nor not now of off often on once one only
  onto or other others our ours ourselves out over own per quite rather same shall she should since so some such
  than that the their theirs them themselves then there therefore these they this those though through thus to
  too under until up upon us very via was we were what whatever when where whereas whether which while who
  whom whose why will with within without would yet you your yours yourself yourselves
  s t d ll m re ve don doesn didn isn aren wasn weren hasn haven hadn won wouldn shouldn couldn can cannot eg`
    .split(/\s+/)
    .filter((word) => word.length > 0),
);
