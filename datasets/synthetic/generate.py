#!/usr/bin/env python3
"""Synthetic sequence-to-sequence tasks for tests and demos (standard library only).

    datasets/synthetic/generate.py --task reverse --out DIR [--vocab 20] [--min-length 5]
        [--max-length 20] [--train 20000] [--valid 500] [--test 1000] [--seed 1]

Writes DIR/{train,valid,test}.{src,tgt}, one example per line:
  copy     the sequence itself                    "s3 s17 s4" -> "s3 s17 s4"
  reverse  the sequence backwards                 "s3 s17 s4" -> "s4 s17 s3"
  sort     the symbols in order of their number   "s3 s17 s4" -> "s3 s4 s17"
  date     a date in one of several formats -> ISO 8601 (use the char tokenizer)
           "March 3, 2019" | "3 March 2019" | "03/03/2019" | "2019.3.3" -> "2019-03-03"
Symbols are s0 .. s{vocab-1}, lengths uniform in [min-length, max-length]. The splits never share
an example.
"""
import argparse
import datetime
import os
import random

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]


def symbols(rng, args):
    n = rng.randint(args.min_length, args.max_length)
    return [rng.randrange(args.vocab) for _ in range(n)]


def example(rng, args):
    if args.task == "date":
        day = datetime.date(1900, 1, 1) + datetime.timedelta(days=rng.randrange(200 * 365))
        formats = [f"{MONTHS[day.month - 1]} {day.day}, {day.year}", f"{day.day} {MONTHS[day.month - 1]} {day.year}",
                   f"{day.month:02d}/{day.day:02d}/{day.year}", f"{day.year}.{day.month}.{day.day}"]
        return rng.choice(formats), day.isoformat()
    s = symbols(rng, args)
    t = {"copy": s, "reverse": s[::-1], "sort": sorted(s)}[args.task]
    return " ".join(f"s{x}" for x in s), " ".join(f"s{x}" for x in t)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--task", required=True, choices=["copy", "reverse", "sort", "date"])
    p.add_argument("--out", required=True)
    p.add_argument("--vocab", type=int, default=20)
    p.add_argument("--min-length", type=int, default=5)
    p.add_argument("--max-length", type=int, default=20)
    p.add_argument("--train", type=int, default=20000)
    p.add_argument("--valid", type=int, default=500)
    p.add_argument("--test", type=int, default=1000)
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args()
    rng = random.Random(args.seed)
    os.makedirs(args.out, exist_ok=True)
    seen = set()
    for split, count in (("test", args.test), ("valid", args.valid), ("train", args.train)):
        with open(os.path.join(args.out, f"{split}.src"), "w") as src, \
                open(os.path.join(args.out, f"{split}.tgt"), "w") as tgt:
            made = 0
            while made < count:
                s, t = example(rng, args)
                if s in seen:
                    continue
                seen.add(s)
                src.write(s + "\n")
                tgt.write(t + "\n")
                made += 1
    print(f"wrote {args.train} train, {args.valid} valid, {args.test} test {args.task} examples to {args.out}")


if __name__ == "__main__":
    main()
