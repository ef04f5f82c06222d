#!/usr/bin/perl
# SPDX-License-Identifier: BSD-2-Clause
# mkdb.pl - writes the small GeoIP databases the tests use (MaxMind::DB::Writer, Debian package
# libmaxmind-db-writer-perl): mkdb.pl country|asn 1|2 OUT.mmdb. Version 2 moves 127.0.0.10 from
# DE/AS3320 to FR/AS3215, so that a test replacing the file can tell which one is loaded.
use strict;
use warnings;
use MaxMind::DB::Writer::Tree;

my ($kind, $version, $out) = @ARGV;
die "usage: mkdb.pl country|asn 1|2 OUT.mmdb\n"
    unless defined $out && $kind =~ /^(country|asn)$/ && $version =~ /^[12]$/;

# network => [country, asn]; IPv4 and IPv6, loopback ones for the end-to-end tests (XCLIENT)
my %nets = (
    '127.0.0.10/32'    => ['DE', 3320],
    '127.0.0.20/32'    => ['US', 15169],
    '127.0.0.30/32'    => ['FR', 3215],
    '127.0.0.40/32'    => ['RU', 12389],
    '192.0.2.0/24'     => ['NL', 64512],
    '198.51.100.0/24'  => ['US', 64513],
    '2001:db8:de::/48' => ['DE', 3320],
    '2001:db8:5::/48'  => ['US', 15169],
    '::1/128'          => ['US', 15169],
);
$nets{'127.0.0.10/32'} = ['FR', 3215] if $version == 2;

my %types = (
    country                        => 'map',
    registered_country             => 'map',
    iso_code                       => 'utf8_string',
    autonomous_system_number       => 'uint32',
    autonomous_system_organization => 'utf8_string',
);
my $tree = MaxMind::DB::Writer::Tree->new(
    ip_version               => 6,
    record_size              => 24,
    database_type            => $kind eq 'country' ? 'RW-Test-Country' : 'RW-Test-ASN',
    languages                => ['en'],
    description              => { en => "relaywarden test $kind database, version $version" },
    map_key_type_callback    => sub { $types{ $_[0] } },
    remove_reserved_networks => 0,
);
for my $net (sort keys %nets) {
    my ($cc, $asn) = @{ $nets{$net} };
    $tree->insert_network($net,
        $kind eq 'country'
        ? { country => { iso_code => $cc }, registered_country => { iso_code => $cc } }
        : { autonomous_system_number => $asn, autonomous_system_organization => "AS$asn test" });
}
open my $fh, '>:raw', "$out.tmp" or die "$out.tmp: $!\n";
$tree->write_tree($fh);
close $fh or die "$out.tmp: $!\n";
rename "$out.tmp", $out or die "$out: $!\n";
