#!/usr/bin/env python3
"""Derives corpus.jsonl from a checkout of github.com/ua-parser/uap-core (Apache-2.0).

Usage: python3 derive.py <uap-core checkout> > corpus.jsonl

Every distinct user agent of tests/test_os.yaml, tests/test_ua.yaml and tests/test_device.yaml,
one JSON array per line: [user agent, OS family, device family, device brand]. The OS family
is uap-core's expected value from test_os.yaml where that file lists the agent, else what
uap-core's own regexes.yaml (os_parsers) answers; the device family and brand likewise from
test_device.yaml, else device_parsers. The script checks its reading of regexes.yaml against
the expected values before writing anything, so a mismatch is reported, not hidden.
"""
import json
import re
import sys

import yaml


def load(path):
    with open(path, encoding='utf-8') as f:
        return yaml.safe_load(f)


def compile_parsers(entries):
    out = []
    for e in entries:
        flags = re.IGNORECASE if e.get('regex_flag') == 'i' else 0
        out.append((re.compile(e['regex'], flags), e))
    return out


def substitute(template, match):
    def group(m):
        i = int(m.group(1))
        return (match.group(i) or '') if i <= (match.re.groups) else ''
    return re.sub(r'\$(\d)', group, template).strip()


def parse_os(parsers, ua):
    for rx, e in parsers:
        m = rx.search(ua)
        if m:
            if e.get('os_replacement'):
                return substitute(e['os_replacement'], m)
            return (m.group(1) or '').strip()
    return 'Other'


def parse_device(parsers, ua):
    for rx, e in parsers:
        m = rx.search(ua)
        if m:
            family = substitute(e['device_replacement'], m) if e.get('device_replacement') else (m.group(1) or '').strip()
            brand = substitute(e['brand_replacement'], m) if e.get('brand_replacement') else ''
            return family or 'Other', brand or None
    return 'Other', None


def main(root):
    regexes = load(f'{root}/regexes.yaml')
    os_parsers = compile_parsers(regexes['os_parsers'])
    device_parsers = compile_parsers(regexes['device_parsers'])
    expected_os = {c['user_agent_string']: c['family'] for c in load(f'{root}/tests/test_os.yaml')['test_cases']}
    expected_device = {c['user_agent_string']: (c['family'], c.get('brand')) for c in load(f'{root}/tests/test_device.yaml')['test_cases']}
    agents = []
    for name in ('test_os', 'test_ua', 'test_device'):
        for c in load(f'{root}/tests/{name}.yaml')['test_cases']:
            ua = c['user_agent_string']
            if ua not in agents:
                agents.append(ua)
    seen = set()
    os_mismatch = sum(1 for ua, fam in expected_os.items() if parse_os(os_parsers, ua) != fam)
    dev_mismatch = sum(1 for ua, fb in expected_device.items() if parse_device(device_parsers, ua)[0] != fb[0])
    print(f'regexes.yaml reading: {os_mismatch}/{len(expected_os)} OS and {dev_mismatch}/{len(expected_device)} device labels differ from the expected ones', file=sys.stderr)
    for ua in agents:
        if ua in seen:
            continue
        seen.add(ua)
        os_family = expected_os.get(ua) or parse_os(os_parsers, ua)
        family, brand = expected_device.get(ua) or parse_device(device_parsers, ua)
        print(json.dumps([ua, os_family, family, brand], ensure_ascii=False))
    print(f'{len(seen)} agents', file=sys.stderr)


if __name__ == '__main__':
    main(sys.argv[1])
