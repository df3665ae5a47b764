"""Named-entity recognisers behind one Protocol (see :mod:`kg.ner.base`)."""
