#!/usr/bin/perl
# sword2txt.pl - text cleaning and verse alignment for prepare.sh.
#
#   sword2txt.pl extract KEY < diatheke-output > verses.tsv
#       KEY is kjv, web or sparv (module-specific fixes).  Input is the raw
#       ("internal") diatheke rendering of a whole Bible, one verse per line.
#       Output: book-index TAB chapter TAB verse TAB text, for the 66
#       protocanonical books only, in the module's own verse slots.
#   sword2txt.pl build --kjv F --web F --sparv F --out DIR --valid LIST
#                      --test LIST [--sample DIR --sample-train LIST
#                      --sample-valid LIST --sample-test LIST]
#       Aligns WEB and RV1909 to the KJV verse list, drops verses that are
#       missing or cannot be aligned in any translation, writes the splits
#       and prints statistics.  LIST is a comma-separated list of book names
#       as they appear in refs files ("Song of Solomon", "1 Samuel").
#
# Only modules shipped in Debian's essential perl-base package are used.
use strict;
use warnings;
use utf8;
use Getopt::Long qw(GetOptionsFromArray);
use List::Util qw(max);

binmode STDIN, ':utf8';
binmode STDOUT, ':utf8';
binmode STDERR, ':utf8';

# diatheke's English book names (canonical order) and the names we write.
my @BOOKS = (
  ['Genesis'], ['Exodus'], ['Leviticus'], ['Numbers'], ['Deuteronomy'], ['Joshua'],
  ['Judges'], ['Ruth'], ['I Samuel', '1 Samuel'], ['II Samuel', '2 Samuel'],
  ['I Kings', '1 Kings'], ['II Kings', '2 Kings'], ['I Chronicles', '1 Chronicles'],
  ['II Chronicles', '2 Chronicles'], ['Ezra'], ['Nehemiah'], ['Esther'], ['Job'],
  ['Psalms'], ['Proverbs'], ['Ecclesiastes'], ['Song of Solomon'], ['Isaiah'],
  ['Jeremiah'], ['Lamentations'], ['Ezekiel'], ['Daniel'], ['Hosea'], ['Joel'], ['Amos'],
  ['Obadiah'], ['Jonah'], ['Micah'], ['Nahum'], ['Habakkuk'], ['Zephaniah'], ['Haggai'],
  ['Zechariah'], ['Malachi'], ['Matthew'], ['Mark'], ['Luke'], ['John'], ['Acts'],
  ['Romans'], ['I Corinthians', '1 Corinthians'], ['II Corinthians', '2 Corinthians'],
  ['Galatians'], ['Ephesians'], ['Philippians'], ['Colossians'],
  ['I Thessalonians', '1 Thessalonians'], ['II Thessalonians', '2 Thessalonians'],
  ['I Timothy', '1 Timothy'], ['II Timothy', '2 Timothy'], ['Titus'], ['Philemon'],
  ['Hebrews'], ['James'], ['I Peter', '1 Peter'], ['II Peter', '2 Peter'],
  ['I John', '1 John'], ['II John', '2 John'], ['III John', '3 John'], ['Jude'],
  ['Revelation of John', 'Revelation']);
my (%DIATHEKE_INDEX, %NAME_INDEX, @NAME);
for my $i (0 .. $#BOOKS) {
  my ($dname, $name) = @{$BOOKS[$i]};
  $name //= $dname;
  $DIATHEKE_INDEX{$dname} = $i + 1;
  $NAME_INDEX{$name} = $i + 1;
  $NAME[$i + 1] = $name;
}
my %B = map { $_ => $NAME_INDEX{$_} } qw(Psalms Luke Romans Hebrews);

sub fail { print STDERR "sword2txt.pl: error: @_\n"; exit 1; }

# ---------------------------------------------------------------------------
# extract

sub decode_entities {
  my ($s) = @_;
  $s =~ s/&lt;/</g;
  $s =~ s/&gt;/>/g;
  $s =~ s/&quot;/"/g;
  $s =~ s/&apos;/'/g;
  $s =~ s/&#(\d+);/chr($1)/ge;
  $s =~ s/&#x([0-9a-fA-F]+);/chr(hex $1)/ge;
  $s =~ s/&amp;/&/g;
  return $s;
}

# Markup between two words: does it stand for a lost space?  The modules lost
# the space wherever a footnote was removed ("God</w><w>created",
# "Behold,<w>he", "engendró</w><transChange>un"), while a tag that merely
# opens or closes inside a word must not split it ("give</w>n",
# "repartiéron<transChange>lo").
sub boundary {
  my ($left, $tags) = @_;
  return "$left $tags" if $left =~ /[,;:.!?]/;                 # after punctuation
  return "$left $tags" if $tags =~ m{</[^>]*>.*<[^/]}s;        # close ... open
  return "$left $tags" if $tags =~ /^(?:<w\b[^>]*>)+$/;        # bare <w> after a word
  return "$left$tags";
}

sub clean {
  my ($s) = @_;
  # Everything after the end-of-book marker is not verse text (WEB appends
  # its glossary to Revelation 22:21).
  $s =~ s/<div\b[^>]*\btype="book"[^>]*\/>.*//s;
  # Not part of the verse text: footnotes, speaker labels (WEB Song of
  # Solomon), headings and cross references where a module has them.
  $s =~ s/<note\b.*?<\/note>/ /gs;
  $s =~ s/<speaker\b.*?<\/speaker>/ /gs;
  $s =~ s/<title\b.*?<\/title>/ /gs;
  $s =~ s/<reference\b.*?<\/reference>/ /gs;
  $s =~ s/([\p{L}\x{2019},;:.!?])((?:<[^>]*>)+)(?=\p{L})/boundary($1, $2)/ge;
  # Structural elements separate words; inline ones (w, transChange, q,
  # divineName, seg, hi, ...) do not.
  $s =~ s/<\/?(?:l|lg|lb|div|p|list|item|milestone|chapter|verse|br|cell|row|table)\b[^>]*>/ /g;
  $s =~ s/<[^>]*>//g;
  $s = decode_entities($s);
  $s =~ s/\\[a-z]+[0-9]*\*?//g;                # stray USFM markers (KJV "\nd LORD")
  $s =~ tr/\x{00B6}[]{}//d;                    # KJV paragraph signs, [italic] brackets
  $s =~ s/[\x{200B}-\x{200D}\x{2060}\x{FEFF}\x{00AD}]//g;    # zero-width, soft hyphen
  $s =~ s/[\s\x{00A0}\x{2000}-\x{200A}\x{202F}\x{205F}\x{3000}]+/ /g;
  $s =~ s/ (?=[,;:.!?)](?:\s|$))//g;          # no space before closing punctuation
  $s =~ s/([,;:!?])(?=\p{L})/$1 /g;            # ... but one after it
  $s =~ s/(\p{Ll}\.)(?=\p{Lu})/$1 /g;
  $s =~ s/^ //;
  $s =~ s/ $//;
  return $s;
}

# The case a word has most often in the middle of a sentence.
sub case_like_text {
  my ($word, $freq) = @_;
  my $lower = lc $word;
  my $title = ucfirst $lower;
  return ($freq->{$lower} // 0) >= ($freq->{$title} // 0) ? $lower : $title;
}

# RV1909 prints the first word of each chapter in capitals ("EN el
# principio", "Y JEHOVÁ dijo", "DE SIETE años", after a psalm title "¡OH
# Jehová").  Restore normal case: capitalised at a sentence start, otherwise
# the case the word has in the middle of sentences elsewhere in the text.
sub fix_dropcap {
  my ($t, $freq, $long_prefix_ok) = @_;
  return $t unless $t =~ /^(.*?)(?<!\p{L})(\p{Lu}{2,})(?!\p{L})/s;
  my ($pre, $word) = ($1, $2);
  my $rest = substr($t, length($pre) + length($word));
  my @pre_tokens = split ' ', $pre;
  return $t if @pre_tokens > 4 && !$long_prefix_ok;
  my $new;
  if ($pre =~ /(?:^|[.!?:]\s)[\x{00A1}\x{00BF}(\x{201C}\x{2018}"']*$/) {
    $new = ucfirst lc $word;
  } else {
    $new = case_like_text($word, $freq);
    # "Y Á SUS discípulos" -> "Y á sus discípulos"
    $pre =~ s/(?<=\s)(\p{Lu})(?=\s)/lc $1/ge if $pre =~ /^(?:\p{Lu} )+$/;
  }
  # "DE SIETE años" -> "De siete años"
  $rest =~ s/^((?: \p{Lu}{2,}(?!\p{L}))+)/join ' ', '', map { case_like_text($_, $freq) } split ' ', $1/e;
  return $pre . $new . $rest;
}

sub extract {
  my ($key) = @_;
  fail("extract: KEY must be kjv, web or sparv") unless ($key // '') =~ /^(?:kjv|web|sparv)$/;
  # "<pre-verse markup>Book C:V: <verse markup>"; the book can be any name
  # (the WEB module also has deuterocanonical books, which are skipped).
  my $ref_re = qr/^(.*?)((?:[1-4I]{1,3} )?[A-Z][A-Za-z]*(?: (?:of |and the )?[A-Z][A-Za-z]*)*(?: \([A-Za-z]+\))?) (\d+):(\d+): (.*)$/s;
  my ($prev_prefix, $titles, $skipped) = ('', 0, 0);
  my (@rows, %seen);
  while (my $line = <STDIN>) {
    chomp $line;
    next if $line =~ /^\([^()]*\)$/ || $line eq '';    # trailing "(ModuleName)"
    my ($prefix, $book, $c, $v, $body) = $line =~ $ref_re
      or fail("extract $key: cannot parse diatheke output line $.: " . substr($line, 0, 80));
    # diatheke repeats the last pre-verse heading in front of every later
    # verse of the same run; a heading is only new if the prefix (which has
    # unique sID attributes) changed.
    my $new_prefix = $prefix ne $prev_prefix;
    $prev_prefix = $prefix;
    my $b = $DIATHEKE_INDEX{$book};
    if (!$b) { $skipped++; next; }
    fail("extract $key: verse $book $c:$v appears twice") if $seen{"$b:$c:$v"}++;
    my $text = clean($body);
    # Psalm superscriptions are canonical text: keep them at the start of
    # verse 1, as RV1909 does.  Psalm 119's acrostic letters are headings.
    if ($new_prefix && $b == $B{Psalms} && $v == 1 && $c != 119
        && $prefix =~ /<title\b[^>]*\btype="psalm"[^>]*>(.*?)<\/title>/s) {
      my $title = clean($1);
      if ($title ne '') { $text = $text eq '' ? $title : "$title $text"; $titles++; }
    }
    push @rows, [$b, $c, $v, $text];
  }
  fail("extract $key: no verses found in the diatheke output") unless @rows;
  my $notes = "$titles psalm titles";
  $notes .= ", $skipped verses of books outside the 66-book canon skipped" if $skipped;
  $notes .= sparv_fixes(\@rows) if $key eq 'sparv';
  for my $r (@rows) { print join("\t", @$r), "\n"; }
  printf STDERR "  %-5s %d verses, %s\n", $key, scalar(@rows), $notes;
}

sub sparv_fixes {
  my ($rows) = @_;
  my ($letters, $subscriptions, $dropcaps) = (0, 0, 0);
  my (%freq, %last);
  for my $i (0 .. $#$rows) {
    my ($b, $c, $v) = @{$rows->[$i]};
    # Psalm 119: "ALEPH. BIENAVENTURADOS ...", "BETH ¿Con qué ..."
    if ($b == $B{Psalms} && $c == 119 && $v % 8 == 1) {
      $letters++ if $rows->[$i][3] =~ s/^\p{Lu}{2,7}\.? //;
    }
    $last{$b} = $i if $rows->[$i][3] ne '';
    $freq{$1}++ while $rows->[$i][3] =~ /(?<=[\p{Ll},;] )(\p{L}+)/g;
  }
  # Pauline epistles end with the traditional subscription ("Fué escrita de
  # Corinto á los Romanos ...") appended to the last verse.
  for my $b ($B{Romans} .. $B{Hebrews}) {
    next unless defined $last{$b};
    $subscriptions++
      if $rows->[$last{$b}][3] =~ s/^(.*\bAm\x{e9}n\.) +(?=.*(?:[Ee]scrit|[Ee]nviad)a\b).+$/$1/;
  }
  # Chapter starts, and Luke 1:5 (the narrative after Luke's prologue).
  for my $r (@$rows) {
    my ($b, $c, $v) = @$r;
    next unless $v == 1 || ($b == $B{Luke} && $c == 1 && $v == 5);
    my $fixed = fix_dropcap($r->[3], \%freq, $b == $B{Psalms});
    $dropcaps++ if $fixed ne $r->[3];
    $r->[3] = $fixed;
  }
  return ", $letters Psalm 119 letters, $subscriptions epistle subscriptions,"
    . " $dropcaps chapter-initial capitals";
}

# ---------------------------------------------------------------------------
# build

sub read_tsv {
  my ($file) = @_;
  open my $fh, '<:utf8', $file or fail("cannot read $file: $!");
  my @rows;
  while (my $line = <$fh>) {
    chomp $line;
    my @f = split /\t/, $line, 4;
    fail("$file:$.: malformed line") unless @f == 4 && $f[0] =~ /^\d+$/;
    push @rows, \@f;
  }
  close $fh;
  return \@rows;
}

sub median {
  my @s = sort { $a <=> $b } @_;
  return @s ? $s[int(@s / 2)] : 0;
}

# Alignment of one translation's verse slots to the KJV verse slots.
#
# The modules put every verse into KJV verse slots, but RV1909 keeps its own
# verse division in a few chapters (Hebrew chapter breaks in Numbers 13 and
# 30, 1 Samuel 24, Hosea 12, Jonah 2, shifted verses in Job 38-40, split and
# merged verses in Judges 14, 1 Kings 22, 1 Chronicles 1 and 21, ...): a
# whole chapter is then off by one verse, with an empty slot at one end and
# two verses merged at the other.  A Gale-Church style dynamic programme on
# verse lengths (KJV vs translation) finds such regions; its result is used
# only where it explains an empty slot or where a split and a merge enclose a
# long shifted run, so textual variants (WEB omitting verses or clauses) are
# not "repaired".
my %PEN = ('1,0' => 10, '0,1' => 10, '1,2' => 10, '1,3' => 12);
$PEN{"$_,1"} = 6 + $_ for 2 .. 10;
my @BEADS = map { [split(/,/), $PEN{$_} // 0] } ('1,1', sort keys %PEN);    # [a, c, penalty]
my $BETA = 2;           # cost of pairing a verse with a verse from another slot
my $BAND = 10;          # how far (in verses) a realignment may drift
my $SPLIT_MERGE_GAIN = 25;
my $MAX_LOG_RATIO = 0.9;    # larger length mismatch = not a translation of it

sub align {
  # Texts by KJV slot (KJV, translation), reference and book index by slot.
  my ($kjv, $tr, $slots, $book_of) = @_;
  my $n = @$kjv;
  my @ratios;
  for my $i (0 .. $n - 1) {
    push @ratios, log(length($tr->[$i]) / length($kjv->[$i]))
      if $tr->[$i] ne '' && $kjv->[$i] ne '';
  }
  my $mu = median(@ratios);
  my $sigma = max(0.1, 1.4826 * median(map { abs($_ - $mu) } @ratios));
  my $lc = sub {
    my $d = (log($_[1] / $_[0]) - $mu) / $sigma;
    return $d * $d / 2;
  };

  my @out = map { $tr->[$_] ne '' ? $tr->[$_] : undef } 0 .. $n - 1;    # identity
  my @why = map { $tr->[$_] ne '' ? undef : 'empty' } 0 .. $n - 1;
  my @places;
  my %book_range;
  for my $i (0 .. $n - 1) {
    my $b = $book_of->[$i];
    $book_range{$b} //= [$i, $i];
    $book_range{$b}[1] = $i;
  }
  for my $b (sort { $a <=> $b } keys %book_range) {
    my ($lo, $hi) = @{$book_range{$b}};
    my @K = map { max(1, length $kjv->[$_]) } $lo .. $hi;
    my @T = grep { $tr->[$_] ne '' } $lo .. $hi;      # slots with text
    my @TL = map { length $tr->[$_] } @T;
    my @TS = map { $_ - $lo } @T;                       # slot within book
    my %tslot = map { $TS[$_] => $_ } 0 .. $#TS;
    my ($nK, $nT) = (scalar @K, scalar @T);
    my (@pk, @pt);
    $pk[0] = 0; $pk[$_ + 1] = $pk[$_] + $K[$_] for 0 .. $nK - 1;
    $pt[0] = 0; $pt[$_ + 1] = $pt[$_] + $TL[$_] for 0 .. $nT - 1;
    # dp over (i K verses, j T verses done); j restricted to a band around
    # the identity alignment.  Rows are stored with an offset.
    my (@cost, @back, @jlo);
    my $jstart = 0;
    for my $i (0 .. $nK) {
      $jstart++ while $jstart < $nT && $TS[$jstart] < $i - 1 - $BAND;
      my $j0 = $jstart;                     # j = index of last T verse + 1
      my $j1 = $j0;
      $j1++ while $j1 < $nT && $TS[$j1] <= $i - 1 + $BAND;
      $j0 = 0 if $i <= $BAND;
      $j1 = $nT if $i == $nK;
      $jlo[$i] = $j0;
      for my $j ($j0 .. $j1) {
        if ($i == 0 && $j == 0) { $cost[0][0] = 0; next; }
        my ($best, $bb);
        for my $bead (@BEADS) {
          my ($a, $c, $pen) = @$bead;
          next if $a > $i || $c > $j;
          my $pi = $i - $a;
          my $pj = $j - $c - $jlo[$pi];
          next if $pj < 0;
          my $x = $cost[$pi][$pj];
          next unless defined $x;
          $x += $pen;
          if ($a && $c) {
            my $d = (log(($pt[$j] - $pt[$j - $c]) / ($pk[$i] - $pk[$pi])) - $mu) / $sigma;
            $x += $d * $d / 2;
            $x += $BETA if $a == 1 && $c == 1 && $TS[$j - 1] != $i - 1;
          }
          if (!defined $best || $x < $best) { $best = $x; $bb = $bead; }
        }
        next unless defined $best;
        $cost[$i][$j - $j0] = $best;
        $back[$i][$j - $j0] = $bb;
      }
    }
    next unless defined $cost[$nK][$nT - $jlo[$nK]];    # keep identity
    my @beads;
    my ($i, $j) = ($nK, $nT);
    while ($i > 0 || $j > 0) {
      my ($a, $c) = @{$back[$i][$j - $jlo[$i]]};
      my $x = $cost[$i][$j - $jlo[$i]] - $cost[$i - $a][$j - $c - $jlo[$i - $a]];
      unshift @beads, [$i - $a, $i, $j - $c, $j, $x];
      ($i, $j) = ($i - $a, $j - $c);
    }
    # Group consecutive non-identity beads into segments and judge each.
    my @seg;
    for my $bd (@beads, undef) {
      my $ident = !defined($bd) ? 1
        : ($bd->[1] - $bd->[0] == 1 && $bd->[3] - $bd->[2] == 1 && $TS[$bd->[2]] == $bd->[0])
          || ($bd->[1] - $bd->[0] == 1 && $bd->[3] == $bd->[2] && !exists $tslot{$bd->[0]});
      if (!$ident) { push @seg, $bd; next; }
      next unless @seg;
      my ($si0, $si1, $sj0, $sj1) = ($seg[0][0], $seg[-1][1], $seg[0][2], $seg[-1][3]);
      my ($cdp, $cid, $empties, %has) = (0, 0, 0);
      $cdp += $_->[4] for @seg;
      for my $k ($si0 .. $si1 - 1) {
        my $t = $tslot{$k};
        if (defined $t && $t >= $sj0 && $t < $sj1) { $cid += $lc->($K[$k], $TL[$t]); }
        else { $cid += $PEN{'1,0'}; }
        $empties++ unless defined $t;
      }
      for my $t ($sj0 .. $sj1 - 1) {
        $cid += $PEN{'0,1'} if $TS[$t] < $si0 || $TS[$t] >= $si1;
      }
      for my $s (@seg) {
        my ($a, $c) = ($s->[1] - $s->[0], $s->[3] - $s->[2]);
        $has{$a == 0 ? 'ins' : $c == 0 ? 'del' : $a > 1 ? 'merge' : $c > 1 ? 'split' : 'shift'}++;
      }
      my $gain = $cid - $cdp;
      my $accept = !$has{del} && !$has{ins} && $has{merge}
        && (($empties && !$has{split} && $gain > 0)
            || ($has{split} && $gain >= $SPLIT_MERGE_GAIN));
      if ($accept) {
        for my $s (@seg) {
          my ($a, $c) = ($s->[1] - $s->[0], $s->[3] - $s->[2]);
          for my $k ($s->[0] .. $s->[1] - 1) {
            if ($a == 1 && $c == 1) { $out[$lo + $k] = $tr->[$T[$s->[2]]]; $why[$lo + $k] = undef; }
            else { $out[$lo + $k] = undef; $why[$lo + $k] = 'verse-division'; }
          }
        }
        push @places, "$slots->[$lo + $si0]-" . ($slots->[$lo + $si1 - 1] =~ s/^.* //r);
      }
      @seg = ();
    }
  }
  # A translation several times longer or shorter than the KJV verse is not
  # (only) that verse: WEB Romans 14:23 carries the doxology of 16:25-27.
  for my $i (0 .. $n - 1) {
    next unless defined $out[$i] && $kjv->[$i] ne '';
    if (abs(log(length($out[$i]) / length($kjv->[$i])) - $mu) > $MAX_LOG_RATIO) {
      $out[$i] = undef;
      $why[$i] = 'length-mismatch';
    }
  }
  return (\@out, \@why, \@places);
}

sub write_lines {
  my ($file, $lines) = @_;
  open my $fh, '>:utf8', $file or fail("cannot write $file: $!");
  print {$fh} map { "$_\n" } @$lines;
  close $fh or fail("cannot write $file: $!");
}

sub book_list {
  my ($opt, $list) = @_;
  my @idx;
  for my $name (split /\s*,\s*/, $list // '') {
    next if $name eq '';
    my $b = $NAME_INDEX{$name} or fail("--$opt: unknown book '$name'");
    push @idx, $b;
  }
  return @idx;
}

sub build {
  my @args = @_;
  my %o;
  GetOptionsFromArray(\@args, \%o, 'kjv=s', 'web=s', 'sparv=s', 'out=s', 'valid=s',
    'test=s', 'sample=s', 'sample-train=s', 'sample-valid=s', 'sample-test=s')
    or fail('build: bad options');
  for (qw(kjv web sparv out valid test)) { fail("build: --$_ is required") unless defined $o{$_}; }
  my @tr = qw(kjv web sparv);

  my $kjv_rows = read_tsv($o{kjv});
  my (@slot, @book, @chap, %slot_of, %text);
  for my $r (@$kjv_rows) {
    $slot_of{"$r->[0]:$r->[1]:$r->[2]"} = scalar @slot;
    push @slot, "$NAME[$r->[0]] $r->[1]:$r->[2]";
    push @book, $r->[0];
    push @chap, $r->[1];
  }
  my $n = @slot;
  my %extra;
  for my $t (@tr) {
    $text{$t} = [('') x $n];
    my $rows = $t eq 'kjv' ? $kjv_rows : read_tsv($o{$t});
    for my $r (@$rows) {
      my $i = $slot_of{"$r->[0]:$r->[1]:$r->[2]"};
      if (defined $i) { $text{$t}[$i] = $r->[3]; }
      elsif ($r->[3] ne '') { push @{$extra{$t}}, "$NAME[$r->[0]] $r->[1]:$r->[2]"; }
    }
  }
  my %books_seen = map { $_ => 1 } @book;
  fail("the KJV export has only " . scalar(keys %books_seen) . " of 66 books") if keys %books_seen != 66;

  # Align, then keep a verse only if every translation has text for it.
  my (%why, %final);
  $final{kjv} = [map { $_ ne '' ? $_ : undef } @{$text{kjv}}];
  $why{kjv} = [map { $_ ne '' ? undef : 'empty' } @{$text{kjv}}];
  print "Alignment to KJV verses (refs use KJV versification):\n";
  for my $t (qw(web sparv)) {
    my ($out, $why, $places) = align($text{kjv}, $text{$t}, \@slot, \@book);
    ($final{$t}, $why{$t}) = ($out, $why);
    my $moved = 0;
    for my $i (0 .. $n - 1) { $moved++ if defined $out->[$i] && $out->[$i] ne $text{$t}[$i]; }
    printf "  %-5s %d verses re-aligned in %d places%s\n", $t, $moved, scalar @$places,
      @$places ? ': ' . join(', ', @$places) : '';
    printf "  %-5s %d non-empty verses outside the KJV verse list ignored: %s\n", $t,
      scalar @{$extra{$t}}, join(', ', @{$extra{$t}}) if $extra{$t};
  }
  my @keep = map { my $i = $_; !grep { !defined $final{$_}[$i] } @tr } 0 .. $n - 1;
  my $dropped = grep { !$_ } @keep;
  print "Dropped $dropped of $n KJV verses (kept only verses present in all translations):\n";
  for my $t (@tr) {
    my %lost;
    push @{$lost{$why{$t}[$_]}}, $slot[$_] for grep { defined $why{$t}[$_] } 0 .. $n - 1;
    my $head = sprintf '  %-5s ', $t;
    print "${head}none\n" unless %lost;
    for my $reason (sort keys %lost) {
      my @refs = @{$lost{$reason}};
      printf "%s%s: %d%s\n", $head, $reason, scalar @refs,
        @refs <= 10 ? ' (' . join(', ', @refs) . ')' : '';
      $head = ' ' x length $head;
    }
  }

  # Splits.
  my %split_of;
  $split_of{$_} = 'valid' for book_list('valid', $o{valid});
  $split_of{$_} = 'test' for book_list('test', $o{test});
  my @splits = qw(train valid test);
  my %stats;
  my $write_split = sub {
    my ($dir, $split, $keys, $books) = @_;    # $books: undef = all of the split
    my %lines;
    my $prev_book;
    for my $i (0 .. $n - 1) {
      next unless $keep[$i];
      my $b = $book[$i];
      next unless ($split_of{$b} // 'train') eq $split;
      next if $books && !$books->{$b};
      if (defined $prev_book && $prev_book != $b) { push @{$lines{$_}}, '' for @$keys; }
      if (!defined $prev_book || $prev_book != $b) { $stats{$dir}{$split}{books}++; }
      $prev_book = $b;
      $stats{$dir}{$split}{verses}++;
      for my $t (@$keys) {
        my $line = $t eq 'refs' ? $slot[$i] : $final{$t}[$i];
        push @{$lines{$t}}, $line;
        $stats{$dir}{$split}{$t} += length $line;
      }
    }
    write_lines("$dir/$_.$split.txt", $lines{$_} // []) for @$keys;
  };
  $write_split->($o{out}, $_, [@tr, 'refs']) for @splits;

  print "\nSummary (characters = Unicode code points, newlines not counted):\n";
  printf "  %-6s %6s %7s %10s %10s %10s\n", 'split', 'books', 'verses', 'kjv', 'web', 'sparv';
  my %tot;
  for my $s (@splits) {
    my $st = $stats{$o{out}}{$s};
    printf "  %-6s %6d %7d %10d %10d %10d\n", $s, map { $st->{$_} // 0 } qw(books verses kjv web sparv);
    $tot{$_} += $st->{$_} // 0 for qw(books verses kjv web sparv);
  }
  printf "  %-6s %6d %7d %10d %10d %10d\n", 'total', map { $tot{$_} } qw(books verses kjv web sparv);

  if ($o{sample}) {
    print "\nSample:\n";
    for my $s (@splits) {
      my %want = map { $_ => 1 } book_list("sample-$s", $o{"sample-$s"});
      fail("--sample-$s: no books given") unless %want;
      for my $b (keys %want) {
        fail("--sample-$s: $NAME[$b] is not a $s book") if ($split_of{$b} // 'train') ne $s;
      }
      $write_split->($o{sample}, $s, [@tr, 'refs'], \%want);
      my $st = $stats{$o{sample}}{$s};
      printf "  %-6s %d books, %d verses, %d / %d / %d characters (kjv / web / sparv)\n", $s,
        map { $st->{$_} } qw(books verses kjv web sparv);
    }
  }
}

# ---------------------------------------------------------------------------

my $cmd = shift @ARGV // '';
if ($cmd eq 'extract') { extract(@ARGV); }
elsif ($cmd eq 'build') { build(@ARGV); }
else { fail("usage: sword2txt.pl extract KEY | build OPTIONS (see the header)"); }
exit 0;
