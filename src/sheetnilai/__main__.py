from sheetnilai.cli import main

main()
