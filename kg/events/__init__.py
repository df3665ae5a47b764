"""Events, quotations and roles from sentences: who met whom, who said what, who holds which post.

Rules combine the NER mentions with tokens and lexicons shipped as data files under
``kg/data/events`` (triggers, role heads, speaker references, venues, function words). Tokens are
compared in their :func:`kg.text.normalize` form and tolerate glued proclitics («وأكد», «برئيس»,
«لقائهما»), because the NER may leave a clitic inside or outside a mention.

* Events: a trigger («التقى», «لقاء», «قصف», «زار», «اتصال هاتفي») gives one event per kind and
  sentence; participants are the sentence's person (and, where fitting, organisation) mentions,
  the place is a location introduced by في/ب, a named venue («قصر …») or the dateline, the date
  the nearest date expression (:mod:`kg.dates`), anchored on the document date. A follow-up
  sentence about «اللقاء» extends the event it refers to.
* Statements: a speech verb's subject is the first person (else organisation) named after it;
  a verb with no named subject («وقال: …») or with a reference word («سماحته», «المتحدث») goes to
  the last matching speaker of the paragraph. Quotes in «…» or "…" belong to the speech verb that
  opens or closes them.
* Roles: a role head («وزير», «الأمين العام», «قائد») followed by its modifiers and then a person
  («… لحركة النهضة، السيد رامي خوري»), or a person followed by «، رئيس …». A role phrase used
  again on its own later becomes an alias mention of that person.

Modules, in the order a document goes through them: :mod:`~kg.events.lexicons` (word lists),
:mod:`~kg.events.tokens` (the token view and phrase matching), :mod:`~kg.events.roles`,
:mod:`~kg.events.places`, :mod:`~kg.events.statements`, and :mod:`~kg.events.extractor`, which
runs them and finds the events.
"""

from kg.events.extractor import EventExtractor, Extraction
from kg.events.lexicons import ALIAS_EXTRACTOR, ROLE_ORG_EXTRACTOR, VENUE_EXTRACTOR, Lexicons

__all__ = [
    "ALIAS_EXTRACTOR",
    "ROLE_ORG_EXTRACTOR",
    "VENUE_EXTRACTOR",
    "EventExtractor",
    "Extraction",
    "Lexicons",
]
