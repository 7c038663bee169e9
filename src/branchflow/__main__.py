from branchflow.cli import main

raise SystemExit(main())
