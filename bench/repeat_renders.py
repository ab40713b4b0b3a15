"""What a listing costs to render from the database, again and again: for comparing two versions
of the code on the same seeded database, in process.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/larder_bench_100k python -m bench.repeat_renders
    python -m bench.repeat_renders --rounds 11 /products?certified=1 /collections/teas

Each URL is requested once to warm the process, then `--rounds` times in turn (round-robin, so a
machine that slows down mid-run slows every URL alike), through the Flask test client with the
page cache off and no Redis: nothing is kept between two requests but what the process keeps.
It prints the median and the fastest time per URL. Run it on one checkout, then the other,
and again: on a shared machine only runs made side by side compare.
"""

from __future__ import annotations

import argparse
import statistics
import time

# The crowd's facet combinations that were slowest at first sight, wide certified listings, and
# two unfiltered listings (their counts read every product).
URLS = [
    "/collections/teas?certified=1&tag=nut-free&page=2",
    "/collections/teas?certified=1&tag=sugar-free&sort=newest&page=2",
    "/collections/seasonings-and-sauces?certified=1&tag=paleo&sort=price-desc",
    "/collections/supplements?certified=1&tag=vegan&sort=price",
    "/collections/teas?certified=1",
    "/collections/teas?tag=vegan&sort=newest",
    "/products?certified=1",
    "/products?certified=1&tag=keto",
    "/search?q=magnesium&certified=1",
    "/collections/low-fodmap-certified?tag=vegan",
    "/collections/vegan?certified=1",
    "/products",
    "/collections/teas",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("urls", nargs="*", default=URLS)
    parser.add_argument("--rounds", type=int, default=11)
    args = parser.parse_args()

    from storefront import create_app

    app = create_app({"LARDER_ENV": "development", "RATELIMIT_ENABLED": False, "PAGE_CACHE": "off"})
    client = app.test_client(use_cookies=False)
    for url in args.urls:
        client.get(url)
    times: dict[str, list[float]] = {url: [] for url in args.urls}
    for n in range(args.rounds):
        for url in args.urls:
            started = time.perf_counter()
            status = client.get(url).status_code
            times[url].append((time.perf_counter() - started) * 1000)
            if status != 200:
                raise SystemExit(f"{url} answered {status}")
        print(f"round {n + 1} of {args.rounds}", flush=True)
    print("| URL | median ms | fastest ms |\n|---|---:|---:|")
    for url, spent in times.items():
        print(f"| `{url}` | {statistics.median(spent):.1f} | {min(spent):.1f} |")


if __name__ == "__main__":
    main()
