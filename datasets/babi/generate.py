#!/usr/bin/env python3
"""bAbI-style question-answering tasks (Weston et al. 2015), generated (standard library only).

    datasets/babi/generate.py --out DIR [--tasks 1,2,3,6] [--train 10000] [--valid 1000]
        [--test 1000] [--seed 1]

Writes DIR/task<N>.{train,valid,test}.txt in bAbI's format: a story is numbered lines, from 1;
a fact is "ID sentence."; a question is "ID question?<TAB>answer<TAB>supporting fact IDs".
Every question is asked about the story so far. The tasks:
  1  single supporting fact   "Where is Mary?"                    -> a place
  2  two supporting facts     "Where is the football?"            -> a place (where its holder is)
  3  three supporting facts   "Where was the football before the kitchen?" -> a place
  6  yes/no questions         "Is John in the garden?"            -> yes | no
Four actors move between six places and pick up and drop three objects; stories have 2 to 5
questions with 1 to 4 facts before each (tasks 2 and 3: 2 to 6; more while no question can be
asked yet), so most facts are distractors. Each (seed, task, split) draws from a generator of its
own. For each task but 6 a line gives a baseline: the share of test questions that the last place
the story mentions answers, which the generated tasks keep low (a model must track who is where).
In task 6 a "no" asks about a place another actor is in (else one the actor has left), so that
neither "is the place mentioned" nor "is anyone there" answers it.
"""
import argparse
import os
import random

ACTORS = ["Mary", "John", "Daniel", "Sandra"]
PLACES = ["bathroom", "hallway", "garden", "office", "kitchen", "bedroom"]
OBJECTS = ["football", "apple", "milk"]
MOVES = ["moved to", "went to", "journeyed to", "travelled to", "went back to"]
TAKES = ["picked up", "got", "grabbed", "took"]
DROPS = ["dropped", "discarded", "put down", "left"]


class World:
    """Who is where, who holds what, and where each object has been."""

    def __init__(self):
        self.place = {}  # actor -> (place, fact id)
        self.been = {a: [] for a in ACTORS}  # actor -> places left behind
        self.holder = {}  # object -> (actor, fact id of taking it)
        self.left_at = {}  # object -> (place, supporting fact ids) where it was dropped
        self.trail = {o: [] for o in OBJECTS}  # object -> [(place, supporting fact ids)] in order

    def object_place(self, obj):
        """(place, supporting fact ids) of an object, or None when unknown."""
        if obj in self.holder:
            actor, took = self.holder[obj]
            if actor not in self.place:
                return None
            place, moved = self.place[actor]
            return place, sorted({took, moved})
        return self.left_at.get(obj)

    def note_trail(self, obj):
        found = self.object_place(obj)
        if found and (not self.trail[obj] or self.trail[obj][-1][0] != found[0]):
            self.trail[obj].append(found)


def event(rng, world, fact, objects):
    """One fact: a move, or (with objects) taking or dropping one; updates the world."""
    actor = rng.choice(ACTORS)
    held = [o for o, (a, _) in world.holder.items() if a == actor]
    here = world.place.get(actor, (None,))[0]
    free = [o for o in OBJECTS if o not in world.holder and world.left_at.get(o, (None,))[0] in (None, here)]
    roll = rng.random()
    if objects and here and held and roll < 0.2:
        obj = rng.choice(held)
        del world.holder[obj]
        world.left_at[obj] = (here, sorted({world.place[actor][1], fact}))
        return f"{actor} {rng.choice(DROPS)} the {obj}."
    if objects and here and free and roll < 0.45:
        obj = rng.choice(free)
        world.holder[obj] = (actor, fact)
        world.left_at.pop(obj, None)
        world.note_trail(obj)
        return f"{actor} {rng.choice(TAKES)} the {obj}."
    place = rng.choice([p for p in PLACES if p != here])
    if here:
        world.been[actor].append(here)
    world.place[actor] = (place, fact)
    for obj in held:
        world.note_trail(obj)
    return f"{actor} {rng.choice(MOVES)} the {place}."


def question(rng, world, task):
    """(question, answer, supporting ids), or None when the world cannot answer this task yet."""
    if task in (1, 6):
        known = sorted(world.place)
        if len(known) < 3:  # with one or two actors placed, the last mover is asked about too often
            return None
        actor = rng.choice(known)
        place, fact = world.place[actor]
        if task == 1:
            return f"Where is {actor}?", place, [fact]
        others = sorted({p for a, (p, _) in world.place.items() if a != actor} - {place})
        lures = others or sorted(set(world.been[actor]) - {place}) or [p for p in PLACES if p != place]
        asked = place if rng.random() < 0.5 else rng.choice(lures)
        return f"Is {actor} in the {asked}?", "yes" if asked == place else "no", [fact]
    if task == 2:
        known = [o for o in OBJECTS if world.object_place(o)]
        if not known:
            return None
        obj = rng.choice(known)
        place, facts = world.object_place(obj)
        return f"Where is the {obj}?", place, facts
    # Only objects whose latest place is new to them: "before the kitchen" has one answer.
    moved = [o for o in OBJECTS if len(world.trail[o]) >= 2
             and world.trail[o][-1][0] not in [p for p, _ in world.trail[o][:-1]]]
    if not moved:
        return None
    obj = rng.choice(moved)
    (before, first), (after, second) = world.trail[obj][-2:]
    return f"Where was the {obj} before the {after}?", before, sorted(set(first + second))


def story(rng, task):
    """The lines of one story and the answers of its questions with the last place before each."""
    world, lines, asked = World(), [], []
    objects = task in (2, 3)
    questions = rng.randint(2, 5)
    last_place = None
    while len(asked) < questions and len(lines) < 60:
        facts = rng.randint(1, 4) if not objects else rng.randint(2, 6)
        for _ in range(facts):
            sentence = event(rng, world, len(lines) + 1, objects)
            lines.append(f"{len(lines) + 1} {sentence}")
            last_place = next((p for p in PLACES if sentence.endswith(f" {p}.")), last_place)
        qa = question(rng, world, task)
        if qa is None:
            continue
        text, answer, support = qa
        lines.append(f"{len(lines) + 1} {text}\t{answer}\t{' '.join(map(str, support))}")
        asked.append((answer, last_place))
    return lines, asked


def write_split(path, rng, task, stories):
    hits = total = 0
    with open(path, "w") as out:
        for _ in range(stories):
            lines, asked = story(rng, task)
            out.write("\n".join(lines) + "\n")
            hits += sum(answer == last for answer, last in asked)
            total += len(asked)
    return hits, total


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", required=True)
    p.add_argument("--tasks", default="1,2,3,6")
    p.add_argument("--train", type=int, default=10000, help="stories")
    p.add_argument("--valid", type=int, default=1000)
    p.add_argument("--test", type=int, default=1000)
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args()
    os.makedirs(args.out, exist_ok=True)
    for task in (int(t) for t in args.tasks.split(",")):
        if task not in (1, 2, 3, 6):
            p.error(f"task {task} is not generated (1, 2, 3 and 6 are)")
        for split, count in (("train", args.train), ("valid", args.valid), ("test", args.test)):
            rng = random.Random(f"{args.seed}/{task}/{split}")
            hits, total = write_split(os.path.join(args.out, f"task{task}.{split}.txt"), rng, task, count)
            if split == "test" and task != 6 and total > 0:
                print(f"task {task}: {total} test questions; answering with the last place mentioned: "
                      f"{100.0 * hits / total:.1f}%")


if __name__ == "__main__":
    main()
