"""Finding the works an event calls for: lexical (BM25, `lexical`) and semantic (sentence
embeddings, `semantic`) indexes, loaded together by `index`; hybrid ranking (`retrieve`) and the
choice of an issue's works (`selection`).

Each index is built from the library, saved in the library folder with a stamp of the works it
was built from, and searched through a small interface that another engine can serve later.
"""
