# ruff: noqa: E501  (a table of sentences: long lines read better than split strings)
"""Interface text in Dutch, English, German and French.

Labels that come from the graph are asked for in the same language (``lang=``
on the services); this module only holds the words of the interface itself.
Which language a page is in is chosen in ``imvokg.languages``, like every answer.
"""

from __future__ import annotations

from collections.abc import Callable

from imvokg.languages import LANGUAGES

LANGUAGE_NAMES: dict[str, str] = {"en": "English", "nl": "Nederlands", "de": "Deutsch", "fr": "Français"}

# key -> (en, nl, de, fr)
_TEXT: dict[str, tuple[str, str, str, str]] = {
    "site.name": (
        "IMVO knowledge graph",
        "IMVO-kennisgraaf",
        "IMVO-Wissensgraph",
        "Graphe de connaissances IMVO",
    ),
    "site.tagline": (
        "Sector agreements on responsible business conduct, the risks they cover and the instruments "
        "they rest on.",
        "Convenanten voor internationaal maatschappelijk verantwoord ondernemen, de risico's die ze "
        "dekken en de instrumenten waarop ze rusten.",
        "Branchenvereinbarungen zu verantwortungsvollem unternehmerischem Handeln, die Risiken, die "
        "sie abdecken, und die Instrumente, auf denen sie beruhen.",
        "Accords sectoriels de conduite responsable des entreprises, les risques qu'ils couvrent et "
        "les instruments sur lesquels ils reposent.",
    ),
    "nav.label": ("Main navigation", "Hoofdnavigatie", "Hauptnavigation", "Navigation principale"),
    "nav.home": ("Home", "Start", "Start", "Accueil"),
    "nav.query": ("SPARQL query", "SPARQL-zoekvraag", "SPARQL-Abfrage", "Requête SPARQL"),
    "nav.coverage": ("Coverage matrix", "Dekkingsmatrix", "Abdeckungsmatrix", "Matrice de couverture"),
    "nav.compare": ("Compare", "Vergelijken", "Vergleichen", "Comparer"),
    "nav.ontology": ("Ontology", "Ontologie", "Ontologie", "Ontologie"),
    "nav.api": ("API", "API", "API", "API"),
    "skip": ("Skip to content", "Naar de inhoud", "Zum Inhalt springen", "Aller au contenu"),
    "lang.label": ("Language", "Taal", "Sprache", "Langue"),
    "footer.data": (
        "Open data: SPARQL endpoint, named queries and JSON API.",
        "Open data: SPARQL-endpoint, benoemde zoekvragen en JSON-API.",
        "Offene Daten: SPARQL-Endpunkt, benannte Abfragen und JSON-API.",
        "Données ouvertes : point d'accès SPARQL, requêtes nommées et API JSON.",
    ),
    # home
    "home.title": (
        "What the graph holds",
        "Wat de graaf bevat",
        "Was der Graph enthält",
        "Ce que contient le graphe",
    ),
    "home.count.agreements": (
        "Dutch IRBC agreements",
        "Nederlandse IMVO-convenanten",
        "Niederländische IMVO-Vereinbarungen",
        "Accords IMVO néerlandais",
    ),
    "home.count.initiatives": (
        "foreign initiatives",
        "buitenlandse initiatieven",
        "ausländische Initiativen",
        "initiatives étrangères",
    ),
    "home.count.parties": ("parties", "partijen", "Parteien", "parties"),
    "home.count.risks": ("risk topics", "risicothema's", "Risikothemen", "thèmes de risque"),
    "home.count.sectors": ("sectors", "sectoren", "Branchen", "secteurs"),
    "home.count.provisions": (
        "provisions of instruments",
        "bepalingen van instrumenten",
        "Bestimmungen von Instrumenten",
        "dispositions d'instruments",
    ),
    "home.count.commitments": ("commitments", "afspraken", "Verpflichtungen", "engagements"),
    "home.count.resources": (
        "resources described",
        "beschreven resources",
        "beschriebene Ressourcen",
        "ressources décrites",
    ),
    "search.heading": ("Search", "Zoeken", "Suchen", "Rechercher"),
    "search.label": (
        "Search names in all languages",
        "Zoek namen in alle talen",
        "Namen in allen Sprachen suchen",
        "Rechercher des noms dans toutes les langues",
    ),
    "search.button": ("Search", "Zoeken", "Suchen", "Rechercher"),
    "search.results": ("results for", "resultaten voor", "Ergebnisse für", "résultats pour"),
    "search.none": ("Nothing found for", "Niets gevonden voor", "Nichts gefunden für", "Rien trouvé pour"),
    "search.type": ("type", "soort", "Typ", "type"),
    "search.short": (
        "Type at least two characters.",
        "Typ minstens twee tekens.",
        "Mindestens zwei Zeichen eingeben.",
        "Saisissez au moins deux caractères.",
    ),
    "aud.heading": ("Where to start", "Waar te beginnen", "Wo anfangen", "Par où commencer"),
    "aud.supervisor": (
        "Supervisors and policy makers",
        "Toezichthouders en beleidsmakers",
        "Aufsichtsbehörden und Politik",
        "Autorités de contrôle et décideurs",
    ),
    "aud.supervisor.text": (
        "Which salient risks of a sector do the agreements cover, and where are the gaps?",
        "Welke belangrijke risico's van een sector dekken de convenanten, en waar zitten de gaten?",
        "Welche wesentlichen Risiken einer Branche decken die Vereinbarungen ab, und wo sind Lücken?",
        "Quels risques saillants d'un secteur les accords couvrent-ils, et où sont les lacunes ?",
    ),
    "aud.company": (
        "Companies and civil society",
        "Bedrijven en maatschappelijke organisaties",
        "Unternehmen und Zivilgesellschaft",
        "Entreprises et société civile",
    ),
    "aud.company.text": (
        "Put two initiatives side by side: parties, risks, provisions and what one covers that the other does not.",
        "Zet twee initiatieven naast elkaar: partijen, risico's, bepalingen en wat het ene dekt en het andere niet.",
        "Zwei Initiativen nebeneinander: Parteien, Risiken, Bestimmungen und was die eine abdeckt, die andere nicht.",
        "Deux initiatives côte à côte : parties, risques, dispositions et ce que l'une couvre et l'autre non.",
    ),
    "aud.researcher": (
        "Researchers and developers",
        "Onderzoekers en ontwikkelaars",
        "Forschende und Entwickler",
        "Chercheurs et développeurs",
    ),
    "aud.researcher.text": (
        "Ask your own questions in SPARQL, start from the named example queries, or use the JSON API.",
        "Stel je eigen vragen in SPARQL, begin bij de voorbeeldzoekvragen of gebruik de JSON-API.",
        "Eigene Fragen in SPARQL stellen, mit den Beispielabfragen beginnen oder die JSON-API nutzen.",
        "Posez vos propres questions en SPARQL, partez des requêtes d'exemple ou utilisez l'API JSON.",
    ),
    "aud.agreements": ("The agreements", "De convenanten", "Die Vereinbarungen", "Les accords"),
    # query page
    "q.title": ("SPARQL query", "SPARQL-zoekvraag", "SPARQL-Abfrage", "Requête SPARQL"),
    "q.editor": ("Query", "Zoekvraag", "Abfrage", "Requête"),
    "q.help": (
        "Ctrl+Enter runs the query. Ctrl+Space completes prefixes and terms. Tab leaves the editor.",
        "Ctrl+Enter voert de zoekvraag uit. Ctrl+Spatie vult prefixen en termen aan. Tab verlaat de editor.",
        "Strg+Enter führt die Abfrage aus. Strg+Leertaste ergänzt Präfixe und Begriffe. Tab verlässt den Editor.",
        "Ctrl+Entrée exécute la requête. Ctrl+Espace complète préfixes et termes. Tab quitte l'éditeur.",
    ),
    "q.run": ("Run", "Uitvoeren", "Ausführen", "Exécuter"),
    "q.share": ("Copy link", "Link kopiëren", "Link kopieren", "Copier le lien"),
    "q.copied": ("Link copied", "Link gekopieerd", "Link kopiert", "Lien copié"),
    "q.examples": ("Example queries", "Voorbeeldzoekvragen", "Beispielabfragen", "Requêtes d'exemple"),
    "q.filter": ("Filter examples", "Voorbeelden filteren", "Beispiele filtern", "Filtrer les exemples"),
    "q.load": ("Load into editor", "In editor laden", "In den Editor laden", "Charger dans l'éditeur"),
    "q.params": ("Parameters", "Parameters", "Parameter", "Paramètres"),
    "q.results": ("Results", "Resultaten", "Ergebnisse", "Résultats"),
    "q.download": ("Download", "Downloaden", "Herunterladen", "Télécharger"),
    "q.running": ("Running…", "Bezig…", "Läuft…", "En cours…"),
    "q.rows": ("results", "resultaten", "Ergebnisse", "résultats"),
    "q.in": ("in", "in", "in", "en"),
    "q.error": (
        "The query failed",
        "De zoekvraag is mislukt",
        "Die Abfrage ist fehlgeschlagen",
        "La requête a échoué",
    ),
    "q.timeout": (
        "The query ran out of time. Narrow it down (a LIMIT, fewer optional parts) and try again.",
        "De zoekvraag duurde te lang. Maak hem kleiner (een LIMIT, minder optionele delen) en probeer opnieuw.",
        "Die Abfrage hat zu lange gedauert. Schränken Sie sie ein (LIMIT, weniger optionale Teile).",
        "La requête a pris trop de temps. Restreignez-la (un LIMIT, moins de parties optionnelles).",
    ),
    "q.noscript": (
        "Without JavaScript the form still works: the result comes back as a file.",
        "Zonder JavaScript werkt het formulier ook: het resultaat komt als bestand terug.",
        "Ohne JavaScript funktioniert das Formular auch: das Ergebnis kommt als Datei.",
        "Sans JavaScript le formulaire fonctionne : le résultat arrive sous forme de fichier.",
    ),
    "q.format": ("Result format", "Resultaatformaat", "Ergebnisformat", "Format du résultat"),
    "q.true": ("yes", "ja", "ja", "oui"),
    "q.false": ("no", "nee", "nein", "non"),
    # the SER position paper of 18 January 2023
    "seed.title": (
        "What the SER paper asks, and where the registry answers it",
        "Wat de SER-paper vraagt, en waar het register antwoord geeft",
        "Was das SER-Papier fordert und wo das Register antwortet",
        "Ce que demande le document du SER, et où le registre y répond",
    ),
    "seed.intro": (
        "The statements of the SER position paper of 18 January 2023, from which this registry was made, with what in the registry answers each; unanswered ones first.",
        "De uitspraken van de SER-positionpaper van 18 januari 2023, waaruit dit register is ontstaan, met wat in het register op elk antwoord geeft; de onbeantwoorde eerst.",
        "Die Aussagen des SER-Positionspapiers vom 18. Januar 2023, aus dem dieses Register entstand, mit dem, was im Register jeweils antwortet; unbeantwortete zuerst.",
        "Les énoncés de la prise de position du SER du 18 janvier 2023, dont ce registre est issu, avec ce qui dans le registre répond à chacun ; les non traités d'abord.",
    ),
    "seed.answers": ("Answered by", "Beantwoord door", "Beantwortet durch", "Traité par"),
    "seed.milestones": (
        "Policy milestones",
        "Beleidsmijlpalen",
        "Politische Meilensteine",
        "Étapes politiques",
    ),
    "seed.csv": (
        "The named query (CSV)",
        "De benoemde zoekvraag (CSV)",
        "Die benannte Abfrage (CSV)",
        "La requête nommée (CSV)",
    ),
    # coverage
    "cov.title": ("Coverage matrix", "Dekkingsmatrix", "Abdeckungsmatrix", "Matrice de couverture"),
    "cov.intro": (
        "Salient risks of the sector, most salient first, against the agreements and initiatives on it.",
        "De belangrijkste risico's van de sector, de zwaarste eerst, tegenover de convenanten en initiatieven.",
        "Die wesentlichen Risiken der Branche, die wichtigsten zuerst, gegenüber Vereinbarungen und Initiativen.",
        "Les risques saillants du secteur, les plus saillants d'abord, face aux accords et initiatives.",
    ),
    "cov.sector": ("Sector", "Sector", "Branche", "Secteur"),
    "cov.show": ("Show", "Tonen", "Anzeigen", "Afficher"),
    "cov.risk": ("Risk", "Risico", "Risiko", "Risque"),
    "cov.salience": ("Salience", "Ernst", "Wesentlichkeit", "Saillance"),
    "cov.scale": ("scale", "omvang", "Ausmaß", "ampleur"),
    "cov.scope": ("scope", "reikwijdte", "Reichweite", "portée"),
    "cov.irrem": ("irremediable", "onherstelbaar", "nicht behebbar", "irrémédiable"),
    "cov.likelihood": ("likelihood", "waarschijnlijkheid", "Wahrscheinlichkeit", "probabilité"),
    "cov.covered": ("covered", "gedekt", "abgedeckt", "couvert"),
    "cov.partly": ("partly covered", "deels gedekt", "teilweise abgedeckt", "partiellement couvert"),
    "cov.not": ("not covered", "niet gedekt", "nicht abgedeckt", "non couvert"),
    "cov.gap": (
        "gap: no agreement covers this risk",
        "gat: geen convenant dekt dit risico",
        "Lücke: keine Vereinbarung deckt dieses Risiko ab",
        "lacune : aucun accord ne couvre ce risque",
    ),
    "cov.legend": ("Legend", "Legenda", "Legende", "Légende"),
    "cov.direct": (
        "a commitment addresses this risk itself",
        "een afspraak gaat over dit risico zelf",
        "eine Verpflichtung betrifft dieses Risiko selbst",
        "un engagement porte sur ce risque lui-même",
    ),
    "cov.narrower": (
        "only a commitment on a narrower risk",
        "alleen een afspraak over een smaller risico",
        "nur eine Verpflichtung zu einem engeren Risiko",
        "seulement un engagement sur un risque plus étroit",
    ),
    "cov.commitments": ("Commitments", "Afspraken", "Verpflichtungen", "Engagements"),
    "cov.provisions": ("Provisions", "Bepalingen", "Bestimmungen", "Dispositions"),
    "cov.export_svg": ("Export SVG", "SVG exporteren", "SVG exportieren", "Exporter en SVG"),
    "cov.export_png": ("Export PNG", "PNG exporteren", "PNG exportieren", "Exporter en PNG"),
    "cov.details": ("Details", "Toelichting", "Details", "Détails"),
    "cov.pick": (
        "Choose a cell to see the commitments and provisions behind it.",
        "Kies een cel om de afspraken en bepalingen erachter te zien.",
        "Wählen Sie eine Zelle, um die Verpflichtungen und Bestimmungen dahinter zu sehen.",
        "Choisissez une cellule pour voir les engagements et dispositions qui la justifient.",
    ),
    "cov.none": (
        "No salient risks are recorded for this sector.",
        "Voor deze sector zijn geen belangrijke risico's vastgelegd.",
        "Für diese Branche sind keine wesentlichen Risiken erfasst.",
        "Aucun risque saillant n'est enregistré pour ce secteur.",
    ),
    "cov.recognised": ("recognised", "erkend", "anerkannt", "reconnu"),
    "cov.query": (
        "The query behind this page",
        "De zoekvraag achter deze pagina",
        "Die Abfrage hinter dieser Seite",
        "La requête derrière cette page",
    ),
    # compare
    "cmp.title": (
        "Compare two initiatives",
        "Twee initiatieven vergelijken",
        "Zwei Initiativen vergleichen",
        "Comparer deux initiatives",
    ),
    "cmp.a": ("First initiative", "Eerste initiatief", "Erste Initiative", "Première initiative"),
    "cmp.b": ("Second initiative", "Tweede initiatief", "Zweite Initiative", "Seconde initiative"),
    "cmp.go": ("Compare", "Vergelijken", "Vergleichen", "Comparer"),
    "cmp.parties": ("Parties by kind", "Partijen per soort", "Parteien nach Art", "Parties par type"),
    "cmp.sectors": ("Sectors", "Sectoren", "Branchen", "Secteurs"),
    "cmp.risks": ("Risks", "Risico's", "Risiken", "Risques"),
    "cmp.provisions": ("Provisions", "Bepalingen", "Bestimmungen", "Dispositions"),
    "cmp.requirements": (
        "Requirement conformance",
        "Voldoen aan de eisen",
        "Erfüllung der Anforderungen",
        "Conformité aux exigences",
    ),
    "cmp.only": ("Only in", "Alleen in", "Nur in", "Seulement dans"),
    "cmp.both": ("In both", "In beide", "In beiden", "Dans les deux"),
    "cmp.period": ("Period", "Looptijd", "Laufzeit", "Période"),
    "cmp.country": ("Country", "Land", "Land", "Pays"),
    "cmp.kind": ("Kind", "Soort", "Art", "Type"),
    "cmp.none": ("none", "geen", "keine", "aucun"),
    "cmp.pick": (
        "Choose two initiatives to compare.",
        "Kies twee initiatieven om te vergelijken.",
        "Wählen Sie zwei Initiativen zum Vergleich.",
        "Choisissez deux initiatives à comparer.",
    ),
    "cmp.conforms": ("meets", "voldoet", "erfüllt", "conforme"),
    "cmp.fails": ("does not meet", "voldoet niet", "erfüllt nicht", "non conforme"),
    "kind.irbc-agreement": (
        "Dutch IRBC agreement",
        "Nederlands IMVO-convenant",
        "Niederländische IMVO-Vereinbarung",
        "Accord IMVO néerlandais",
    ),
    "kind.foreign-initiative": (
        "foreign initiative",
        "buitenlands initiatief",
        "ausländische Initiative",
        "initiative étrangère",
    ),
    "err.title": ("Not found", "Niet gevonden", "Nicht gefunden", "Introuvable"),
}

Translator = Callable[[str], str]


def translate(lang: str, key: str) -> str:
    """The interface text `key` in `lang` (English when the language or key is unknown)."""
    entry = _TEXT.get(key)
    if entry is None:
        return key
    index = LANGUAGES.index(lang) if lang in LANGUAGES else 0
    return entry[index]


def translator(lang: str) -> Translator:
    """A one-argument `t(key)` for templates."""
    return lambda key: translate(lang, key)


def text_keys() -> list[str]:
    """Every interface text key (tests check each has four non-empty translations)."""
    return list(_TEXT)
