# Modules the board does not have.
for name in ['urandom', 'json', 're', 'io', 'log', 'power', 'collections', 'array',
             'neopixel', 'audio', 'speech']:
    try:
        m = __import__(name)
        print(name, dir(m))
    except ImportError as e:
        print(repr(e))
