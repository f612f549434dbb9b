#!/usr/bin/env python3
"""Compares two abidw dumps struct by struct and enum by enum.

Prints one line per finding and exits 0 (identical), 10 (only additions: structs grown at their
end, new types, new enumerators) or 20 (breaking: a member moved, removed or retyped, a struct
shrank, an enumerator removed or renumbered). Used by abi-check.sh, because abidiff's exit code
does not tell a moved field from an added one.
"""
import sys
import xml.etree.ElementTree as ET


def load(path):
    root = ET.parse(path).getroot()
    by_id = {}
    for el in root.iter():
        if 'id' in el.attrib:
            by_id[el.attrib['id']] = el

    def type_name(type_id, depth=0):
        el = by_id.get(type_id)
        if el is None or depth > 12:
            return '?'
        tag = el.tag
        if tag in ('type-decl', 'typedef-decl', 'enum-decl') or (tag == 'class-decl' and el.get('name')):
            return el.get('name')
        if tag == 'pointer-type-def':
            return type_name(el.get('type-id'), depth + 1) + '*'
        if tag == 'qualified-type-def':
            quals = ' '.join(q for q in ('const', 'volatile') if el.get(q) == 'yes')
            return quals + ' ' + type_name(el.get('type-id'), depth + 1)
        if tag == 'array-type-def':
            return type_name(el.get('type-id'), depth + 1) + '[%s]' % el.get('size-in-bits', '?')
        if tag == 'function-type':
            params = [type_name(p.get('type-id'), depth + 1) for p in el.findall('parameter')]
            ret = el.find('return')
            return '%s(%s)' % (type_name(ret.get('type-id'), depth + 1) if ret is not None else 'void', ', '.join(params))
        return tag

    structs, enums = {}, {}
    for el in root.iter('class-decl'):
        name = el.get('name')
        if not name or el.get('is-declaration-only') == 'yes':
            continue
        members = []
        for dm in el.findall('data-member'):
            var = dm.find('var-decl')
            members.append((var.get('name'), int(dm.get('layout-offset-in-bits')), type_name(var.get('type-id'))))
        structs[name] = (int(el.get('size-in-bits', '0')), members)
    for el in root.iter('enum-decl'):
        enums[el.get('name')] = {e.get('name'): int(e.get('value')) for e in el.findall('enumerator')}
    return structs, enums


def main():
    base_structs, base_enums = load(sys.argv[1])
    cur_structs, cur_enums = load(sys.argv[2])
    breaking, additions = [], []
    for name, (size, members) in base_structs.items():
        if name not in cur_structs:
            breaking.append('struct %s removed' % name)
            continue
        cur_size, cur_members = cur_structs[name]
        if cur_size < size:
            breaking.append('struct %s shrank from %d to %d bits' % (name, size, cur_size))
        cur_by_name = {m[0]: m for m in cur_members}
        for member, offset, type_ in members:
            cur = cur_by_name.get(member)
            if cur is None:
                breaking.append('%s.%s removed' % (name, member))
            elif cur[1] != offset:
                breaking.append('%s.%s moved from bit %d to bit %d' % (name, member, offset, cur[1]))
            elif cur[2] != type_:
                breaking.append('%s.%s changed type from %s to %s' % (name, member, type_, cur[2]))
        known = {m[0] for m in members}
        for member, offset, _ in cur_members:
            if member not in known:
                if offset < size:
                    breaking.append('%s.%s inserted at bit %d, inside the old struct' % (name, member, offset))
                else:
                    additions.append('%s.%s added at the end' % (name, member))
    for name in cur_structs.keys() - base_structs.keys():
        additions.append('struct %s added' % name)
    for name, values in base_enums.items():
        cur = cur_enums.get(name)
        if cur is None:
            breaking.append('enum %s removed' % name)
            continue
        for enumerator, value in values.items():
            if enumerator not in cur:
                breaking.append('%s::%s removed' % (name, enumerator))
            elif cur[enumerator] != value:
                breaking.append('%s::%s renumbered from %d to %d' % (name, enumerator, value, cur[enumerator]))
        for enumerator in cur.keys() - values.keys():
            additions.append('%s::%s added' % (name, enumerator))
    for name in cur_enums.keys() - base_enums.keys():
        additions.append('enum %s added' % name)
    for line in breaking:
        print('breaking: ' + line)
    for line in additions:
        print('addition: ' + line)
    sys.exit(20 if breaking else 10 if additions else 0)


if __name__ == '__main__':
    main()
