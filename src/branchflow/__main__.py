from branchflow.cli import console

console()
