"""Which records are one work: the hard cases of the real WoS export, and the rules behind them."""

from __future__ import annotations

from vissue.library.dedupe import merge, same_work, why_different
from vissue.work import Author, DocType, Venue, Work


def work(title="Redistributive preferences in Europe and Central Asia, 2006-2016*", **kw):
    base = dict(
        title=title, authors=[Author("Cojocaru", "A")], year=2021, doc_type=DocType.ARTICLE,
        venue=Venue("ECONOMICS OF TRANSITION AND INSTITUTIONAL CHANGE", "2577-6975", "2577-6983"),
        ids={"doi": "10.1111/ecot.12267", "wos": "WOS:000598855000006"},
    )
    base.update(kw)
    return Work(**base)


def test_early_access_with_a_mistyped_doi_is_the_same_work():
    final = work()
    early = work(year=2020, early_access=True,
                 ids={"doi": "10.1111/ecot.12.267", "wos": "WOS:000586282500001"})
    assert same_work(final, early) and same_work(early, final)


def test_chapters_of_one_book_with_the_same_title_stay_apart():
    collins = dict(title="Central Asia's regime transformation, 1995-2004", authors=[Author("Collins", "K")],
                   year=2006, doc_type=DocType.CHAPTER,
                   venue=Venue("CLAN POLITICS AND REGIME TRANSITION IN CENTRAL ASIA"))
    a = Work(**collins, ids={"doi": "10.1017/cbo9780511510014.011", "wos": "WOS:000297023800009"})
    b = Work(**collins, ids={"doi": "10.1017/cbo9780511510014.010", "wos": "WOS:000297023800008"})
    assert not same_work(a, b)
    assert "different DOIs" in why_different(a, b)


def test_a_journal_article_and_its_later_book_chapter_stay_apart():
    title = "Japanese and Chinese infrastructure development strategies in Central Asia"
    article = Work(title=title, authors=[Author("Dadabaev", "T")], year=2018, doc_type=DocType.ARTICLE,
                   venue=Venue("JAPANESE JOURNAL OF POLITICAL SCIENCE", "1468-1099"))
    chapter = Work(title=title, authors=[Author("Dadabaev", "T")], year=2019, doc_type=DocType.CHAPTER,
                   venue=Venue("TRANSCONTINENTAL SILK ROAD STRATEGIES"))
    assert not same_work(article, chapter)


def test_same_title_other_author_is_another_work():
    a = Work(title="Central Asia", authors=[Author("Omelicheva", "MY")], year=2018, doc_type=DocType.CHAPTER)
    b = Work(title="Central Asia", authors=[Author("Cooley", "A")], year=2014, doc_type=DocType.CHAPTER)
    assert not same_work(a, b)


def test_case_and_punctuation_do_not_separate_one_work():
    a = Work(title="Kazakhstan: Oil endowment and oil empowerment", authors=[Author("Palazuelos", "E")], year=2012)
    b = Work(title="KAZAKHSTAN - OIL ENDOWMENT AND OIL EMPOWERMENT", authors=[Author("Palazuelos", "Enrique")])
    assert same_work(a, b)


def test_merge_keeps_the_richest_values_and_says_where_they_came_from():
    wos = Work(title="KAZAKHSTAN: OIL", authors=[Author("Palazuelos", "E")], year=2012,
               venue=Venue("COMMUNIST AND POST-COMMUNIST STUDIES", "0967-067X"), ids={"wos": "WOS:1"})
    ris = Work(title="Kazakhstan: Oil", authors=[Author("Palazuelos", "Enrique", orcid="0000-0001")],
               abstract="A longer abstract.", keywords=["oil"], ids={"doi": "10.1/x"},
               venue=Venue("Communist and Post-Communist Studies"))
    merged = merge(wos, {"title": 1, "year": 1}, ris, 2)
    assert merged.changed
    result = merged.work
    assert result.title == "Kazakhstan: Oil"  # mixed case beats capitals
    assert result.authors[0].given == "Enrique" and result.authors[0].orcid == "0000-0001"
    assert result.abstract == "A longer abstract."
    assert result.ids == {"wos": "WOS:1", "doi": "10.1/x"}
    assert result.venue.name == "Communist and Post-Communist Studies" and result.venue.issn == "0967-067X"
    assert result.year == 2012
    assert merged.provenance["title"] == 2 and merged.provenance["year"] == 1
    assert not merge(result, merged.provenance, ris, 3).changed


def test_final_version_wins_over_early_access():
    early = work(year=2020, early_access=True, volume=None, ids={"doi": "10.1111/ecot.12.267"})
    final = work(volume="29", pages="151-172")
    result = merge(early, {}, final, 2).work
    assert (result.year, result.volume, result.ids["doi"], result.early_access) == (2021, "29", "10.1111/ecot.12267", False)


def test_a_duplicate_past_hundreds_of_works_by_the_same_surname_is_found(tmp_path):
    """Blocking compares every work of a first author whose title is close enough: the 640th
    'Wang' is found however many Wangs came before (a LIMIT once skipped it silently)."""
    import hashlib

    from vissue.library.store import Library

    def title(i: int) -> str:
        return f"Trade across the steppe, case {hashlib.md5(str(i).encode()).hexdigest()[:16]}: routes and markets"

    with Library(tmp_path / "lib") as library:
        with library.transaction():
            for i in range(650):
                library.add(Work(title=title(i), authors=[Author("Wang", "L")], year=2015,
                                 doc_type=DocType.ARTICLE, venue=Venue("Central Asian Survey", "0263-4937")))
        assert library.count() == 650
        late = library.get("640")
        again = Work(title=late.work.title.replace("markets", "market"), authors=[Author("WANG", "Li")],
                     year=2015, doc_type=DocType.ARTICLE, venue=Venue("CENTRAL ASIAN SURVEY", "0263-4937"))
        result = library.add(again)
        assert (result.action, result.work_id) == ("merged", late.id)


def test_merge_keeps_the_richest_form_of_a_name():
    """WoS strips diacritics ('Oge'); Crossref, OpenAlex and RIS keep them ('Öge'): in either
    order of arrival the merged work names her Öge, and says which record gave the name."""
    wos = work(title="Elite preferences and transparency promotion in Kazakhstan",
               authors=[Author("Oge", "Kerem"), Author("Smith", "J")], ids={"doi": "10.1016/j.x.1"})
    crossref = work(title="Elite preferences and transparency promotion in Kazakhstan",
                    authors=[Author("Öge", "Kerem"), Author("Smith", "John")], ids={"doi": "10.1016/j.x.1"})
    merged = merge(wos, {"authors": 1}, crossref, 2)
    assert [(a.family, a.given) for a in merged.work.authors] == [("Öge", "Kerem"), ("Smith", "John")]
    assert merged.provenance["authors"] == 2
    again = merge(crossref, {"authors": 2}, wos, 3)
    assert [a.family for a in again.work.authors] == ["Öge", "Smith"] and again.provenance["authors"] == 2
    other = work(authors=[Author("Ogeh", "K")])  # another name, not another form of it
    assert merge(wos, {}, other, 4).work.authors[0].family == "Oge"


def test_every_block_finds_its_duplicate_whatever_years_the_records_give(tmp_path):
    """The candidates are index ranges (migration 5): same first author with years one apart,
    without a year on either side, or the same title with a first author on one side only."""
    from vissue.library.store import Library

    def work(title, year, family="Wang", early=False):
        return Work(title=title, authors=[Author(family, "L")] if family else [], year=year, early_access=early,
                    doc_type=DocType.ARTICLE, venue=Venue("Central Asian Survey", "0263-4937"))

    titles = ["Water and power on the Amu Darya: a century of dams and treaties",
              "Nomads, herds and pastures after collectivisation in Kazakhstan",
              "Oil money and the making of a new capital city on the steppe",
              "Border markets and the everyday economy of the Ferghana valley",
              "Language policy and the school in independent Uzbekistan: dams of words"]
    with Library(tmp_path / "lib") as library:
        stored = [library.add(w).work_id for w in (
            work(titles[0], None), work(titles[1], 2014, early=True), work(titles[2], 2015),
            work(titles[3], 2015, family=None), work(titles[4], 2010))]
        again = [library.add(w) for w in (
            work(titles[0].replace("treaties", "treaty"), 2015),  # stored without a year
            work(titles[1].replace("herds", "herd"), 2015),  # a year after its early-access version
            work(titles[2].replace("city", "cities"), None),  # this record without a year
            work(titles[3], 2015),  # the same title, an author on this side only
            work(titles[4].replace("words", "word"), 2015))]  # five years apart: another work
        assert [(r.action, r.work_id) for r in again[:4]] == [("merged", i) for i in stored[:4]]
        assert again[4].action == "added"


def test_the_author_block_passes_over_other_dois_only(tmp_path):
    """The author block reads the DOI from its index (migration 6): a work with another DOI is
    never a candidate, one whose DOI differs in punctuation only, one without a DOI, and one
    stored before the index held DOIs (NULL there) still are."""
    from vissue.library.store import Library

    def work(title, doi=None):
        return Work(title=title, authors=[Author("Abdullaev", "R")], year=2019, doc_type=DocType.ARTICLE,
                    venue=Venue("Central Asian Survey", "0263-4937"), ids={"doi": doi} if doi else {})

    titles = ["Cotton, water and the state in the Khorezm oasis after independence",
              "Remittances from Russia and the villages of the Ferghana valley",
              "Mahalla committees and the governance of neighbourhoods in Tashkent"]
    with Library(tmp_path / "lib") as library:
        stored = [library.add(w).work_id for w in (
            work(titles[0], "10.1080/02634937.2019.12267"), work(titles[1]), work(titles[2], "10.1080/x.5"))]
        library.db.execute("UPDATE works SET doi_key = NULL WHERE id = ?", (stored[2],))  # as stored before
        again = [library.add(w) for w in (
            work(titles[0].replace("oasis", "oases"), "10.1080/02634937.2019.1226.7"),  # punctuation only
            work(titles[0].replace("state", "states"), "10.1080/02634937.2019.99999"),  # another DOI
            work(titles[1].replace("villages", "village"), "10.1080/y.1"),  # stored without a DOI
            work(titles[2].replace("committees", "committee"), "10.1080/x..5"))]
        assert [(r.action, r.work_id) for r in again] == [
            ("merged", stored[0]), ("added", again[1].work_id), ("merged", stored[1]), ("merged", stored[2])]
        assert again[1].work_id not in stored
