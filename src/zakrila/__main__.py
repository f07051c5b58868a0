from zakrila.cli import main

main()
