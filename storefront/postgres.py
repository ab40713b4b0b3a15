"""PostgreSQL connection settings: no JIT compilation.

Larder's statements are short (a page's listing, its facet counts, a cart), and PostgreSQL's JIT
compiles any plan whose estimated cost passes `jit_above_cost`, which an unfiltered facet count
over 100,000 products does: 400 ms of compiling for a statement that runs in 245 ms without it
(bench/README.md, fourteenth round). EXPLAIN shows that time only with costs on, so it hid in
the benchmarks' plans. Off for the app's connections; the server's setting stays for others.
"""

from sqlalchemy import event
from sqlalchemy.engine import Engine


def disable_jit(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("SET jit = off")
        cursor.close()
        # Committed: where the driver opened a transaction for the SET, a rollback would undo it.
        dbapi_connection.commit()
