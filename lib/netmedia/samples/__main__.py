from netmedia.samples import main

raise SystemExit(main())
